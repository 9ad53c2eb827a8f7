using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Features;
using NbaPredict.Core.Features.Security;

namespace NbaPredict.Workers.Cli;

/// <summary><c>keys create|list|revoke</c> and <c>clients create|list|rotate|revoke</c>; every change is audited.</summary>
internal static class SecurityCommands
{
    public static bool IsSecurityCommand(string command) => command is "keys" or "clients";

    public static async Task<int> RunAsync(IServiceProvider services, string command, string? verb, CommandLineOptions options, TextWriter output)
    {
        try
        {
            return command == "keys"
                ? await KeysAsync(services, verb, options, output)
                : await ClientsAsync(services, verb, options, output);
        }
        catch (DomainException ex)
        {
            throw new CommandLineException(ex.Message);
        }
    }

    private static async Task<int> KeysAsync(IServiceProvider services, string? verb, CommandLineOptions options, TextWriter output)
    {
        var keys = services.GetRequiredService<ApiKeyService>();
        switch (verb)
        {
            case "create":
            {
                var name = options.Required("name");
                var tier = ApiKeyService.ParseTier(options.Optional("tier"));
                var scopes = options.Required("scopes");
                options.RejectUnknown();
                var created = await keys.CreateAsync(name, tier, [scopes], ScopeNames.All);
                await AuditAsync(services, "keys.create", $"{created.Key.Prefix} ({created.Key.Name}), tier {tier}, scopes {created.Key.Scopes}");
                await output.WriteLineAsync($"key_id: {created.Key.Id}");
                await output.WriteLineAsync($"api_key: {created.Secret}");
                await output.WriteLineAsync("The key is shown only now; send it as the X-Api-Key header.");
                return 0;
            }

            case "list":
                options.RejectUnknown();
                foreach (var key in await keys.ListAsync())
                {
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{key.Id}  {key.Prefix}…  {key.Name}  tier={key.Tier.ToString().ToLowerInvariant()}  scopes=\"{key.Scopes}\"  created={key.CreatedAt:u}  last_used={(key.LastUsedAt is { } used ? used.ToString("u", CultureInfo.InvariantCulture) : "never")}  {(key.RevokedAt is null ? "active" : "revoked")}"));
                }

                return 0;
            case "revoke":
            {
                var id = options.Required("id");
                options.RejectUnknown();
                var key = await keys.RevokeAsync(id) ?? throw new CommandLineException($"no key with id or prefix '{id}'");
                await AuditAsync(services, "keys.revoke", $"{key.Prefix} ({key.Name})");
                await output.WriteLineAsync($"revoked {key.Id} ({key.Name})");
                return 0;
            }

            default:
                throw new CommandLineException("use 'keys create --name N --tier free|pro|enterprise --scopes \"s1 s2\"', 'keys list' or 'keys revoke --id ID|PREFIX'");
        }
    }

    private static async Task<int> ClientsAsync(IServiceProvider services, string? verb, CommandLineOptions options, TextWriter output)
    {
        var clients = services.GetRequiredService<ClientService>();
        switch (verb)
        {
            case "create":
            {
                var name = options.Required("name");
                var scopes = options.Required("scopes");
                var tier = ApiKeyService.ParseTier(options.Optional("tier") ?? "pro");
                var lifetime = options.Optional("token-lifetime") is { } text
                    ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : throw new CommandLineException("--token-lifetime takes whole seconds")
                    : (TimeSpan?)null;
                options.RejectUnknown();
                var (clientId, secret) = await clients.CreateAsync(name, [scopes], ScopeNames.All, tier, lifetime);
                await AuditAsync(services, "clients.create", $"{clientId} ({name}), tier {tier}, scopes {scopes}");
                await output.WriteLineAsync($"client_id: {clientId}");
                await output.WriteLineAsync($"client_secret: {secret}");
                await output.WriteLineAsync("The secret is shown only now; it is stored hashed. Exchange both at POST /connect/token (grant_type=client_credentials).");
                return 0;
            }

            case "list":
                options.RejectUnknown();
                foreach (var client in await clients.ListAsync())
                {
                    await output.WriteLineAsync($"{client.ClientId}  {client.DisplayName}  type={client.ClientType}  tier={client.Tier.ToString().ToLowerInvariant()}  scopes=\"{string.Join(' ', client.Scopes)}\"");
                }

                return 0;
            case "rotate":
            {
                var clientId = options.Required("client-id");
                options.RejectUnknown();
                var secret = await clients.RotateAsync(clientId) ?? throw new CommandLineException($"no client '{clientId}'");
                await AuditAsync(services, "clients.rotate", clientId);
                await output.WriteLineAsync($"client_id: {clientId}");
                await output.WriteLineAsync($"client_secret: {secret}");
                await output.WriteLineAsync("The old secret no longer works; tokens already issued stay valid until they expire.");
                return 0;
            }

            case "revoke":
            {
                var clientId = options.Required("client-id");
                options.RejectUnknown();
                if (!await clients.RevokeAsync(clientId))
                {
                    throw new CommandLineException($"no client '{clientId}'");
                }

                await AuditAsync(services, "clients.revoke", clientId);
                await output.WriteLineAsync($"revoked {clientId}; its tokens stop working at once");
                return 0;
            }

            default:
                throw new CommandLineException("use 'clients create --name N --scopes \"s1 s2\" [--tier free|pro|enterprise] [--token-lifetime SECONDS]', 'clients list', 'clients rotate --client-id ID' or 'clients revoke --client-id ID'");
        }
    }

    private static Task AuditAsync(IServiceProvider services, string action, string detail) =>
        services.GetRequiredService<AuditLog>().WriteAsync("cli:" + Environment.UserName, action, AuditOutcomes.Success, detail, requestId: null);
}
