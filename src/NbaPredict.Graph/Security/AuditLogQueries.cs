using GraphQL;
using GraphQL.Types;
using NbaPredict.Core.Features.Security;
using NbaPredict.Graph.GraphQL.Schema;

namespace NbaPredict.Graph.Security;

public sealed class AuditEntryType : ObjectGraphType<AuditEntry>
{
    public AuditEntryType()
    {
        Name = "AuditEntry";
        Description = "One audited event: a mutation, an authentication failure or a client or key administration action.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => c.Source.Id);
        Field<NonNullGraphType<DateTimeGraphType>>("at").Resolve(c => c.Source.At.UtcDateTime);
        Field(e => e.Actor).Description("Who: key:<prefix> (name), client:<client_id>, user:<subject>, cli:<os user> or anonymous.");
        Field(e => e.Action).Description("What: e.g. 'mutation refreshPredictions', 'auth.failed', 'keys.create'.");
        Field(e => e.Outcome).Description("success, denied or failed.");
        Field(e => e.Detail, nullable: true);
        Field(e => e.RequestId, nullable: true).Description("The X-Request-Id of the request, to find it in the logs.");
    }
}

public static class AuditLogQueries
{
    public static void AddTo(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ConnectionType<AuditEntryType, AuditEntry>>>("auditLog")
            .Description("The audit log, newest first. Needs models.admin.")
            .Argument<IntGraphType>("first", "Page size, 0 to 100; default 20.")
            .Argument<StringGraphType>("after", "The cursor of the last item of the previous page.")
            .AuthorizeWithPolicy(Scopes.ModelsAdmin)
            .ResolveAsync(async c => Connection.From(await c.RequestServices!.GetRequiredService<AuditLog>().ListAsync(Cursors.Page(c), c.CancellationToken)));
    }
}
