using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using NbaPredict.Core.Features.Security;
using NbaPredict.Graph.Security;
using NbaPredict.IntegrationTests.Infrastructure;
using OpenIddict.Server;

namespace NbaPredict.IntegrationTests.Security;

/// <summary>
/// One app on a small real database with the credentials the hostile suite needs: API keys of several kinds
/// (one revoked), a partner OAuth client and its token, and an authorization code redeemed twice.
/// </summary>
public sealed class SecurityFixture : IAsyncLifetime
{
    public const string DevClientId = ClientService.DevFrontEndClientId;
    public const string DevRedirectUri = "http://localhost:5080/";
    public const string AllowedOrigin = "https://app.example";

    private TestDatabase database = null!;
    private string shortClientId = null!;
    private string shortSecret = null!;

    public NbaApp App { get; private set; } = null!;

    public string ReadOnlyKey { get; private set; } = null!;

    public string FreeKey { get; private set; } = null!;

    public string RevokedKey { get; private set; } = null!;

    public string PartnerClientId { get; private set; } = null!;

    public string PartnerSecret { get; private set; } = null!;

    /// <summary>A client-credentials token of the partner, granting only predictions.read.</summary>
    public string PartnerToken { get; private set; } = null!;

    /// <summary>
    /// A token of a client whose tokens live <see cref="ShortTokenLifetime"/>, issued at the end of setup: it expires
    /// during the suite's first case (a subscription) and is an expired token for the later ones.
    /// </summary>
    public string ShortLivedToken { get; private set; } = null!;

    public static readonly TimeSpan ShortTokenLifetime = TimeSpan.FromSeconds(6);

    /// <summary>The answer to redeeming an authorization code a second time (see <see cref="InitializeAsync"/>).</summary>
    public (int Status, string Body) ReusedCodeAnswer { get; private set; }

    /// <summary>The access token the first redemption of that code gave; reuse of the code revokes it.</summary>
    public string TokenOfReusedCode { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync(Provider.Sqlite);
        App = new NbaApp(database, new Dictionary<string, string?>
        {
            // Anonymous cases are many; the free tier is tiny so one case can exhaust it.
            ["Security:RateLimits:Anonymous:PerMinute"] = "100000",
            ["Security:RateLimits:Anonymous:Burst"] = "100000",
            ["Security:RateLimits:Free:PerMinute"] = "1",
            ["Security:RateLimits:Free:Burst"] = "2",
            ["Security:CorsOrigins:0"] = AllowedOrigin,
        });
        var input = Path.Combine(database.DataDirectory, "input");
        TestEnvironment.WriteSeasonSlice(input, "2023-24", days: 3);
        Assert.False((await App.ImportAsync(input)).AnyFileRejected);

        ReadOnlyKey = await App.CreateApiKeyAsync("read only", ApiTier.Pro, [Scopes.PredictionsRead]);
        FreeKey = await App.CreateApiKeyAsync("free tier", ApiTier.Free, [Scopes.PlayersRead]);
        RevokedKey = await App.CreateApiKeyAsync("revoked", ApiTier.Pro, Scopes.All);
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var keys = scope.ServiceProvider.GetRequiredService<ApiKeyService>();
            Assert.NotNull(await keys.RevokeAsync(RevokedKey[..12]));
            var clients = scope.ServiceProvider.GetRequiredService<ClientService>();
            (PartnerClientId, PartnerSecret) = await clients.CreateAsync("Partner Inc", [Scopes.PredictionsRead], Scopes.All);
            (shortClientId, shortSecret) = await clients.CreateAsync("Short lived", [Scopes.PredictionsRead], Scopes.All, tokenLifetime: ShortTokenLifetime);
        }

        PartnerToken = await ClientCredentialsTokenAsync(PartnerClientId, PartnerSecret, scope: null);
        (TokenOfReusedCode, ReusedCodeAnswer) = await RedeemACodeTwiceAsync();

        // Every credential is used once now, so last-used times are set before the suite's snapshot.
        foreach (var key in new[] { ReadOnlyKey, FreeKey, App.DefaultApiKey })
        {
            using var client = App.CreateAnonymousClient();
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
            using var response = await client.PostAsJsonAsync("/graphql", new { query = "{ __typename }" });
        }

        ShortLivedToken = await ClientCredentialsTokenAsync(shortClientId, shortSecret, scope: null);
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await database.DisposeAsync();
    }

    public async Task<string> ClientCredentialsTokenAsync(string clientId, string secret, string? scope)
    {
        using var client = App.CreateAnonymousClient();
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret };
        if (scope is not null)
        {
            form["scope"] = scope;
        }

        using var response = await client.PostAsync("/connect/token", new FormUrlEncodedContent(form));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return (string)JsonNode.Parse(body)!["access_token"]!;
    }

    /// <summary>
    /// Authorization code + PKCE with the development front-end client, then the same code again. The reuse makes
    /// OpenIddict revoke the tokens of the first redemption, a database change by design, so it runs before the snapshot.
    /// </summary>
    private async Task<(string Token, (int, string) Reuse)> RedeemACodeTwiceAsync()
    {
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        using var client = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Remove("X-Api-Key");
        using var authorize = await client.GetAsync(
            $"/connect/authorize?client_id={DevClientId}&response_type=code&scope=predictions.read&redirect_uri={Uri.EscapeDataString(DevRedirectUri)}&code_challenge={challenge}&code_challenge_method=S256&state=xyz");
        Assert.True(authorize.Headers.Location is not null, $"HTTP {(int)authorize.StatusCode}: {await authorize.Content.ReadAsStringAsync()}");
        var query = System.Web.HttpUtility.ParseQueryString(authorize.Headers.Location!.Query);
        var code = query["code"] ?? throw new InvalidOperationException("no code in " + authorize.Headers.Location);
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = DevRedirectUri,
            ["client_id"] = DevClientId,
            ["code_verifier"] = verifier,
        };
        using var first = await client.PostAsync("/connect/token", new FormUrlEncodedContent(form));
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.True(first.IsSuccessStatusCode, firstBody);
        using var second = await client.PostAsync("/connect/token", new FormUrlEncodedContent(form));
        return ((string)JsonNode.Parse(firstBody)!["access_token"]!, ((int)second.StatusCode, await second.Content.ReadAsStringAsync()));
    }

    /// <summary>
    /// Re-signs a real token's claims with the server's own key after <paramref name="change"/>: expired or
    /// foreign-audience tokens that are otherwise perfectly valid.
    /// </summary>
    public string Forge(string realToken, Action<Dictionary<string, object>> change)
    {
        var jwt = new JsonWebToken(realToken);
        var claims = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var claim in JsonNode.Parse(Base64UrlEncoder.Decode(jwt.EncodedPayload))!.AsObject())
        {
            claims[claim.Key] = claim.Value!.GetValueKind() switch
            {
                System.Text.Json.JsonValueKind.Number => (object)(long)claim.Value!,
                System.Text.Json.JsonValueKind.String => (string)claim.Value!,
                System.Text.Json.JsonValueKind.Array => claim.Value!.AsArray().Select(v => (string)v!).ToList(),
                _ => claim.Value!.ToJsonString(),
            };
        }

        change(claims);
        var server = App.Services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue;
        var descriptor = new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = server.SigningCredentials[0],
            TokenType = "at+jwt",
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}
