using GraphQL;
using Microsoft.AspNetCore.Authentication;

using Microsoft.Extensions.Options;
using NbaPredict.Core;
using NbaPredict.Core.Features.Security;
using NbaPredict.Graph.GraphQL.Infrastructure.Subscriptions;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using OpenIddict.Validation.AspNetCore;

namespace NbaPredict.Graph.Security;

/// <summary>Wires authentication (API keys, OpenIddict), authorization, rate limits, audit and hardening (docs/decisions/0011-security.md).</summary>
public static partial class SecuritySetup
{
    public const string CredentialScheme = "NbaPredict";

    public static WebApplicationBuilder AddNbaSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var section = builder.Configuration.GetSection(SecurityOptions.Section);
        services.Configure<SecurityOptions>(section);
        if (builder.Environment.IsDevelopment() && section[nameof(SecurityOptions.DevFrontEnd)] is null)
        {
            services.PostConfigure<SecurityOptions>(o => o.DevFrontEnd = true);
        }

        services.AddHttpContextAccessor();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            c.ProblemDetails.Extensions["requestId"] = c.HttpContext.TraceIdentifier;
            c.ProblemDetails.Extensions.Remove("exception");
        });
        services.AddSingleton<InMemoryRateLimitStore>();
        services.AddSingleton<RedisRateLimitStore>();
        services.AddSingleton<IRateLimitStore>(sp => sp.GetRequiredService<NbaPredictSettings>().RedisConnectionString is null
            ? sp.GetRequiredService<InMemoryRateLimitStore>()
            : sp.GetRequiredService<RedisRateLimitStore>());
        services.AddSingleton<IWebSocketAuthenticator, WebSocketCredentialAuthenticator>();
        services.AddGraphQL(b => b.AddValidationRule(ScopeAuthorizationRule.Instance, useForCachedDocuments: true));
        services.AddSingleton<global::GraphQL.DI.IConfigureExecution, MutationAudit>();
        services.AddSingleton<global::GraphQL.DI.IConfigureExecution, RequestIdOnErrors>();
        services.AddHostedService<DevFrontEndRegistration>();

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = CredentialScheme;
                o.DefaultChallengeScheme = CredentialScheme;
            })
            .AddPolicyScheme(CredentialScheme, "X-Api-Key or bearer token", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName)
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();

        services.AddOpenIddict()
            .AddServer(o =>
            {
                o.SetTokenEndpointUris(OAuthEndpoints.TokenPath.TrimStart('/'))
                    .SetAuthorizationEndpointUris(OAuthEndpoints.AuthorizePath.TrimStart('/'));
                o.AllowClientCredentialsFlow().AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                o.RegisterScopes([.. Scopes.All]);
                // Plain signed JWTs: partners and resource servers can read the claims they were granted.
                o.DisableAccessTokenEncryption();
                // TLS ends at the ingress (README): the server itself listens on plain HTTP.
                o.UseAspNetCore().EnableTokenEndpointPassthrough().EnableAuthorizationEndpointPassthrough().DisableTransportSecurityRequirement();
            })
            .AddValidation(o =>
            {
                o.UseLocalServer();
                o.AddAudiences(SecurityOptions.Audience);
                // Every token is looked up, so revoking a client or its tokens takes effect at once.
                o.EnableTokenEntryValidation();
                o.UseAspNetCore();
            });

        // Keys, lifetimes and origins come from the final configuration (test hosts add theirs after Program starts).
        services.AddOptions<OpenIddictServerOptions>().Configure<IOptions<SecurityOptions>, NbaPredictSettings, IHostEnvironment, ILoggerFactory>((server, security, settings, environment, loggers) =>
        {
            var keys = SigningKeys.Load(security.Value, settings.DataDirectory, directory =>
            {
                if (!environment.IsDevelopment())
                {
                    LogGeneratedKeys(loggers.CreateLogger<SigningKeys>(), directory);
                }
            });
            foreach (var key in keys.Signing)
            {
                server.SigningCredentials.Add(new SigningCredentials(key, key is ECDsaSecurityKey ? SecurityAlgorithms.EcdsaSha256 : SecurityAlgorithms.RsaSha256));
            }

            server.EncryptionCredentials.Add(new EncryptingCredentials(keys.Encryption, SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512));
            server.AccessTokenLifetime = security.Value.AccessTokenLifetime;
        });
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<SecurityOptions>>((cors, security) =>
        {
            var origins = security.Value.CorsOrigins.Where(o => !string.IsNullOrWhiteSpace(o)).ToArray();
            if (origins.Length > 0)
            {
                cors.AddDefaultPolicy(p => p.WithOrigins(origins).WithMethods("GET", "POST")
                    .WithHeaders("Content-Type", "Authorization", ApiKeyAuthenticationHandler.HeaderName, "Accept")
                    .WithExposedHeaders(SecurityMiddleware.RequestIdHeader, "Retry-After"));
            }
        });
        return builder;
    }

    /// <summary>The security pipeline; call before mapping endpoints.</summary>
    public static WebApplication UseNbaSecurity(this WebApplication app)
    {
        app.Use(SecurityMiddleware.AddHeadersAsync);
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseCors();
        app.Use(SecurityMiddleware.LimitOAuthEndpointsAsync);
        app.UseAuthentication();
        app.UseMiddleware<SecurityMiddleware>();
        app.UseAuthorization();
        OAuthEndpoints.Map(app);
        return app;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The authorization server signs tokens with keys generated under {Directory}: fine for one machine; configure Security:SigningKeys and Security:EncryptionKey for production (README, Security).")]
    private static partial void LogGeneratedKeys(ILogger logger, string directory);

    /// <summary>Registers the development PKCE client once the database is migrated.</summary>
    private sealed class DevFrontEndRegistration(IServiceProvider services, IOptions<SecurityOptions> options) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            if (!options.Value.DevFrontEnd)
            {
                return;
            }

            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ClientService>().EnsureDevFrontEndClientAsync(
                options.Value.DevFrontEndRedirectUris.Select(u => new Uri(u)), Scopes.All, cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

