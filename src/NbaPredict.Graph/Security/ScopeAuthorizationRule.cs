using GraphQL;
using GraphQL.Types;
using GraphQL.Validation;
using GraphQLParser.AST;

namespace NbaPredict.Graph.Security;

/// <summary>
/// Enforces the policies fields and types declare with <c>AuthorizeWithPolicy(scope)</c> (policy name = scope name)
/// during validation, so an unauthorized request fails as a whole before any resolver runs. Root mutation and
/// subscription fields without a declared policy still need an authenticated caller.
/// Errors: <c>AUTH_REQUIRED</c> without credentials, <c>FORBIDDEN</c> when the caller lacks the scope.
/// </summary>
public sealed class ScopeAuthorizationRule : ValidationRuleBase
{
    public const string AuthRequired = "AUTH_REQUIRED";
    public const string Forbidden = "FORBIDDEN";

    public static readonly ScopeAuthorizationRule Instance = new();

    public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context) =>
        new(new MatchingNodeVisitor<GraphQLField>((field, validation) => Check(field, validation)));

    private static void Check(GraphQLField field, ValidationContext context)
    {
        var definition = context.TypeInfo.GetFieldDef();
        var parent = context.TypeInfo.GetParentType()?.GetNamedType();
        if (definition is null || parent is null)
        {
            return; // unknown fields are reported by the standard rules
        }

        var required = new List<string>();
        required.AddRange(definition.GetPolicies() ?? []);
        required.AddRange(parent.GetPolicies() ?? []);
        if (definition.ResolvedType?.GetNamedType() is { } fieldType)
        {
            required.AddRange(fieldType.GetPolicies() ?? []);
        }

        var isRootWrite = parent == context.Schema.Mutation || parent == context.Schema.Subscription;
        var user = context.User;
        if (required.Count == 0 && !(isRootWrite && !user.IsAuthenticated()))
        {
            return;
        }

        if (!user.IsAuthenticated())
        {
            var what = required.Count == 0 ? "credentials" : $"a token or API key with the '{required[0]}' scope";
            context.ReportError(Error(context, field, AuthRequired, $"'{parent.Name}.{definition.Name}' needs {what}; send 'Authorization: Bearer <token>' or 'X-Api-Key: <key>'."));
            return;
        }

        var granted = CallerClaims.ScopesOf(user);
        var missing = required.Where(s => !granted.Contains(s)).Distinct(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            context.ReportError(Error(context, field, Forbidden, $"'{parent.Name}.{definition.Name}' needs the scope(s) {string.Join(", ", missing)}, which this credential does not grant."));
        }
    }

    private static ValidationError Error(ValidationContext context, GraphQLField field, string code, string message) =>
        new(context.Document.Source, null, message, field) { Code = code };
}

