using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Events;

namespace NbaPredict.Graph.Tests.Subscriptions;

internal sealed record Tick(string Topic, int Seq, string? Text);

/// <summary>Scoped: a new id per DI scope, so tests can see which scope resolved a field.</summary>
internal sealed class ScopeMarker
{
    public string Id { get; } = Guid.NewGuid().ToString("N");
}

internal sealed class TickType : ObjectGraphType<Tick>
{
    public TickType()
    {
        Name = "Tick";
        Field<NonNullGraphType<StringGraphType>>("topic").Resolve(c => c.Source.Topic);
        Field<NonNullGraphType<IntGraphType>>("seq").Resolve(c => c.Source.Seq);
        Field<StringGraphType>("text").Resolve(c => c.Source.Text);
        Field<NonNullGraphType<StringGraphType>>("scope").Resolve(c => c.RequestServices!.GetRequiredService<ScopeMarker>().Id);
    }
}

internal sealed class SubscriptionTestQuery : ObjectGraphType
{
    public SubscriptionTestQuery()
    {
        Name = "Query";
        Field<StringGraphType>("hello").Resolve(_ => "world");
        Field<StringGraphType>("whoami").Resolve(c => c.User?.Identity?.Name);
        Field<StringGraphType>("boom").Resolve(_ => throw new InvalidOperationException("secret: Password=hunter2"));
    }
}

internal sealed class SubscriptionTestMutation : ObjectGraphType
{
    public SubscriptionTestMutation()
    {
        Name = "Mutation";
        Field<NonNullGraphType<BooleanGraphType>>("publishTick")
            .Argument<NonNullGraphType<StringGraphType>>("topic")
            .Argument<NonNullGraphType<IntGraphType>>("seq")
            .Argument<StringGraphType>("text")
            .ResolveAsync(async c =>
            {
                var topic = c.GetArgument<string>("topic");
                var tick = new Tick(topic, c.GetArgument<int>("seq"), c.GetArgument<string?>("text"));
                await c.RequestServices!.GetRequiredService<IEventBus>().PublishAsync(topic, tick, c.CancellationToken);
                return true;
            });
    }
}

internal sealed class SubscriptionTestSubscription : ObjectGraphType
{
    public SubscriptionTestSubscription()
    {
        Name = "Subscription";
        Field<TickType, Tick>("ticked")
            .Argument<StringGraphType>("topic", a => a.DefaultValue = "default")
            .ResolveStream(c => c.RequestServices!.GetRequiredService<IEventBus>().Subscribe<Tick>(c.GetArgument<string>("topic")))
            .Resolve(c => (Tick)c.Source!);
        Field<NonNullGraphType<IntGraphType>, int>("countdown")
            .Argument<NonNullGraphType<IntGraphType>>("from")
            .ResolveStream(c => new CountdownObservable(c.GetArgument<int>("from")))
            .Resolve(c => (int)c.Source!);
    }
}

internal sealed class SubscriptionTestSchema : Schema
{
    public SubscriptionTestSchema(IServiceProvider services)
        : base(services)
    {
        Query = services.GetRequiredService<SubscriptionTestQuery>();
        Mutation = services.GetRequiredService<SubscriptionTestMutation>();
        Subscription = services.GetRequiredService<SubscriptionTestSubscription>();
    }
}

/// <summary>Emits from, from-1, ..., 1 and completes.</summary>
internal sealed class CountdownObservable(int from) : IObservable<int>
{
    public IDisposable Subscribe(IObserver<int> observer)
    {
        var stop = new CancellationTokenSource();
        _ = Task.Run(async () =>
        {
            for (var i = from; i > 0 && !stop.IsCancellationRequested; i--)
            {
                observer.OnNext(i);
                await Task.Yield();
            }

            observer.OnCompleted();
        });
        return stop;
    }
}
