namespace NbaPredict.Graph.GraphQL.Schema;

/// <summary>Passes on only the events a subscriber asked for (the bus delivers whole topics).</summary>
public sealed class FilteredObservable<T>(IObservable<T> source, Func<T, bool> predicate) : IObservable<T>
{
    public IDisposable Subscribe(IObserver<T> observer) => source.Subscribe(new Filter(observer, predicate));

    private sealed class Filter(IObserver<T> inner, Func<T, bool> predicate) : IObserver<T>
    {
        public void OnCompleted() => inner.OnCompleted();

        public void OnError(Exception error) => inner.OnError(error);

        public void OnNext(T value)
        {
            if (predicate(value))
            {
                inner.OnNext(value);
            }
        }
    }
}
