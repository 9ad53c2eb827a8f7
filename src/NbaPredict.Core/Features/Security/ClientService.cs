using System.Security.Cryptography;
using System.Text.Json;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace NbaPredict.Core.Features.Security;

/// <summary>An OAuth client as listed: id, name, type, granted scopes and tier.</summary>
public sealed record ClientSummary(string ClientId, string? DisplayName, string? ClientType, IReadOnlyList<string> Scopes, ApiTier Tier);

/// <summary>
/// Manages the OAuth clients of the authorization server through OpenIddict's application manager, which stores
/// client secrets hashed (PBKDF2): the secret is printed once on create and rotate and cannot be read back.
/// </summary>
public sealed class ClientService(IOpenIddictApplicationManager applications)
{
    public const string TierProperty = "nbapredict_tier";
    public const string TokenLifetimeProperty = "nbapredict_token_lifetime_seconds";

    /// <summary>The first-party front-end client registered in development: public, authorization code with PKCE.</summary>
    public const string DevFrontEndClientId = "nbapredict-dev-frontend";

    /// <param name="tokenLifetime">The lifetime of this client's access tokens; null for the server's default.</param>
    public async Task<(string ClientId, string Secret)> CreateAsync(string name, IEnumerable<string> scopes, IReadOnlyCollection<string> knownScopes, ApiTier tier = ApiTier.Pro, TimeSpan? tokenLifetime = null, CancellationToken cancellationToken = default)
    {
        if (tokenLifetime is { } lifetime && (lifetime < TimeSpan.FromSeconds(1) || lifetime > TimeSpan.FromDays(1)))
        {
            throw new DomainException("INVALID_LIFETIME", "a token lifetime must be between 1 second and 1 day");
        }

        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
        {
            throw new DomainException("INVALID_NAME", "a client needs a name of 1 to 100 characters");
        }

        var scopeList = ApiKeyService.NormalizeScopes(scopes, knownScopes);
        var clientId = Slug(name) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var secret = ApiKeyService.NewSecret();
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = name.Trim(),
            Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials },
        };
        descriptor.Properties[TierProperty] = JsonSerializer.SerializeToElement(tier.ToString());
        if (tokenLifetime is { } seconds)
        {
            descriptor.Properties[TokenLifetimeProperty] = JsonSerializer.SerializeToElement((int)seconds.TotalSeconds);
        }
        foreach (var scope in scopeList)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }

        await applications.CreateAsync(descriptor, cancellationToken);
        return (clientId, secret);
    }

    public async Task<IReadOnlyList<ClientSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        var list = new List<ClientSummary>();
        await foreach (var application in applications.ListAsync(count: null, offset: null, cancellationToken))
        {
            list.Add(await SummarizeAsync(application, cancellationToken));
        }

        return list.OrderBy(c => c.ClientId, StringComparer.Ordinal).ToList();
    }

    public async Task<ClientSummary?> FindAsync(string clientId, CancellationToken cancellationToken = default) =>
        await applications.FindByClientIdAsync(clientId, cancellationToken) is { } application
            ? await SummarizeAsync(application, cancellationToken)
            : null;

    /// <summary>Replaces the secret of a confidential client; the old one stops working at once. Null when unknown.</summary>
    public async Task<string?> RotateAsync(string clientId, CancellationToken cancellationToken = default)
    {
        var application = await applications.FindByClientIdAsync(clientId, cancellationToken);
        if (application is null)
        {
            return null;
        }

        if (!await applications.HasClientTypeAsync(application, ClientTypes.Confidential, cancellationToken))
        {
            throw new DomainException("PUBLIC_CLIENT", $"'{clientId}' is a public client and has no secret to rotate");
        }

        var secret = ApiKeyService.NewSecret();
        await applications.UpdateAsync(application, secret, cancellationToken);
        return secret;
    }

    /// <summary>Deletes the client with its authorizations and tokens, so tokens already issued stop validating too.</summary>
    public async Task<bool> RevokeAsync(string clientId, CancellationToken cancellationToken = default)
    {
        var application = await applications.FindByClientIdAsync(clientId, cancellationToken);
        if (application is null)
        {
            return false;
        }

        await applications.DeleteAsync(application, cancellationToken);
        return true;
    }

    /// <summary>Registers (or updates) the development front-end client for the given redirect URIs.</summary>
    public async Task EnsureDevFrontEndClientAsync(IEnumerable<Uri> redirectUris, IEnumerable<string> scopes, CancellationToken cancellationToken = default)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = DevFrontEndClientId,
            ClientType = ClientTypes.Public,
            DisplayName = "NbaPredict development front end",
            ConsentType = ConsentTypes.Implicit,
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.ResponseTypes.Code,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        foreach (var uri in redirectUris)
        {
            descriptor.RedirectUris.Add(uri);
        }

        foreach (var scope in scopes)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }

        if (await applications.FindByClientIdAsync(DevFrontEndClientId, cancellationToken) is { } existing)
        {
            await applications.UpdateAsync(existing, descriptor, cancellationToken);
        }
        else
        {
            await applications.CreateAsync(descriptor, cancellationToken);
        }
    }

    public async Task<ApiTier> TierOfAsync(string clientId, CancellationToken cancellationToken = default)
    {
        var application = await applications.FindByClientIdAsync(clientId, cancellationToken);
        return application is null ? ApiTier.Free : await TierAsync(application, cancellationToken);
    }

    public async Task<TimeSpan?> TokenLifetimeOfAsync(string clientId, CancellationToken cancellationToken = default)
    {
        var application = await applications.FindByClientIdAsync(clientId, cancellationToken);
        if (application is null)
        {
            return null;
        }

        var properties = await applications.GetPropertiesAsync(application, cancellationToken);
        return properties.TryGetValue(TokenLifetimeProperty, out var value) && value.ValueKind == JsonValueKind.Number
            ? TimeSpan.FromSeconds(value.GetInt32())
            : null;
    }

    private async Task<ClientSummary> SummarizeAsync(object application, CancellationToken cancellationToken)
    {
        var permissions = await applications.GetPermissionsAsync(application, cancellationToken);
        var scopes = permissions.Where(p => p.StartsWith(Permissions.Prefixes.Scope, StringComparison.Ordinal))
            .Select(p => p[Permissions.Prefixes.Scope.Length..]).ToList();
        return new ClientSummary(
            await applications.GetClientIdAsync(application, cancellationToken) ?? string.Empty,
            await applications.GetDisplayNameAsync(application, cancellationToken),
            await applications.GetClientTypeAsync(application, cancellationToken),
            scopes,
            await TierAsync(application, cancellationToken));
    }

    private async Task<ApiTier> TierAsync(object application, CancellationToken cancellationToken)
    {
        var properties = await applications.GetPropertiesAsync(application, cancellationToken);
        return properties.TryGetValue(TierProperty, out var value) && value.ValueKind == JsonValueKind.String
            && Enum.TryParse<ApiTier>(value.GetString(), out var tier) ? tier : ApiTier.Pro;
    }

    private static string Slug(string name)
    {
        var chars = name.Trim().ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        var slug = string.Join('-', new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries));
        return slug.Length == 0 ? "client" : slug[..Math.Min(slug.Length, 40)];
    }
}
