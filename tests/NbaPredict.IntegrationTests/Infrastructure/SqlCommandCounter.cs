using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace NbaPredict.IntegrationTests.Infrastructure;

/// <summary>
/// Counts every SQL command EF Core sends, to catch N+1 query patterns. The security layer's own per-request
/// commands (API key lookup, audit rows, OpenIddict tokens) are constant per request and are not counted.
/// </summary>
public sealed class SqlCommandCounter : DbCommandInterceptor
{
    private int count;
    private readonly List<string> commands = [];

    public int Count => Volatile.Read(ref count);

    public IReadOnlyList<string> Commands
    {
        get
        {
            lock (commands)
            {
                return [.. commands];
            }
        }
    }

    public void Reset()
    {
        Interlocked.Exchange(ref count, 0);
        lock (commands)
        {
            commands.Clear();
        }
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Record(command);
        return base.ReaderExecuting(command, eventData, result);
    }

    private static readonly string[] SecurityTables = ["api_keys", "audit_log", "OpenIddict"];

    private void Record(DbCommand command)
    {
        if (SecurityTables.Any(t => command.CommandText.Contains(t, StringComparison.Ordinal)))
        {
            return;
        }

        Interlocked.Increment(ref count);
        lock (commands)
        {
            commands.Add(command.CommandText);
        }
    }
}
