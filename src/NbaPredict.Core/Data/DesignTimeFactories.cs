using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace NbaPredict.Core.Data;

/// <summary>Used only by <c>dotnet ef migrations add</c>; the app builds its contexts in <see cref="StorageSetup"/>.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteNbaDbContext>
{
    public SqliteNbaDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteNbaDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresNbaDbContext>
{
    public PostgresNbaDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresNbaDbContext>().UseNpgsql("Host=localhost;Database=design").Options);
}
