using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace NbaPredict.Graph.Security;

/// <summary>
/// The keys of the authorization server. Production: <c>Security:SigningKeys</c> (PEM private keys; the first signs,
/// the others still verify during a rollover) and <c>Security:EncryptionKey</c>. Without them (development, and the
/// zero-configuration <c>dotnet run</c>): generated once and kept under <c>NBAPREDICT_DATA_DIR/keys</c>, so tokens
/// survive restarts; the caller warns outside Development.
/// </summary>
public sealed record SigningKeys(IReadOnlyList<SecurityKey> Signing, SecurityKey Encryption)
{
    public static SigningKeys Load(SecurityOptions options, string dataDirectory, Action<string>? warnGenerated = null)
    {
        if (options.SigningKeys.Length > 0)
        {
            if (string.IsNullOrWhiteSpace(options.EncryptionKey))
            {
                throw new InvalidOperationException("Security:SigningKeys is set but Security:EncryptionKey is not; give both (see README, key rollover).");
            }

            return new SigningKeys(
                options.SigningKeys.Select((pem, i) => FromPem(ReadPem(pem), $"configured-{i}")).ToList(),
                new SymmetricSecurityKey(Convert.FromBase64String(options.EncryptionKey)) { KeyId = "configured-encryption" });
        }

        var directory = Path.Combine(dataDirectory, "keys");
        Directory.CreateDirectory(directory);
        var signingPath = Path.Combine(directory, "signing.pem");
        var encryptionPath = Path.Combine(directory, "encryption.key");
        if (!File.Exists(signingPath))
        {
            using var rsa = RSA.Create(2048);
            WriteOnce(signingPath, rsa.ExportPkcs8PrivateKeyPem());
        }

        if (!File.Exists(encryptionPath))
        {
            WriteOnce(encryptionPath, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        }

        warnGenerated?.Invoke(directory);
        return new SigningKeys(
            [FromPem(File.ReadAllText(signingPath), "dev-signing")],
            new SymmetricSecurityKey(Convert.FromBase64String(File.ReadAllText(encryptionPath).Trim())) { KeyId = "dev-encryption" });
    }

    private static string ReadPem(string value) =>
        value.Contains("-----BEGIN", StringComparison.Ordinal) ? value : File.ReadAllText(value);

    private static SecurityKey FromPem(string pem, string fallbackId)
    {
        if (!pem.Contains("EC PRIVATE KEY", StringComparison.Ordinal))
        {
            var rsa = RSA.Create();
            try
            {
                rsa.ImportFromPem(pem);
                return new RsaSecurityKey(rsa) { KeyId = KeyIdOf(rsa.ExportSubjectPublicKeyInfo(), fallbackId) };
            }
            catch (CryptographicException)
            {
                rsa.Dispose(); // a PKCS#8 key that is not RSA: try EC below
            }
        }

        var ec = ECDsa.Create();
        ec.ImportFromPem(pem);
        return new ECDsaSecurityKey(ec) { KeyId = KeyIdOf(ec.ExportSubjectPublicKeyInfo(), fallbackId) };
    }

    /// <summary>A key id derived from the public key, so every instance sharing a key publishes the same <c>kid</c>.</summary>
    private static string KeyIdOf(byte[] publicKey, string fallbackId) =>
        publicKey.Length == 0 ? fallbackId : Convert.ToHexStringLower(SHA256.HashData(publicKey))[..16];

    /// <summary>Several processes may start at once: the first writer wins, the others read its key.</summary>
    private static void WriteOnce(string path, string content)
    {
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllText(temporary, content);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        try
        {
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
        }
    }
}
