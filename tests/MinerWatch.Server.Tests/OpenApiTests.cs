using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MinerWatch.Server.Tests;

public class OpenApiTests
{
    private static readonly string Committed = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../docs/openapi.json"));

    /// <summary>
    /// The OpenAPI document the server serves is the one committed in docs/, so the API's contract cannot change
    /// unnoticed. After a deliberate change: MINERWATCH_UPDATE_OPENAPI=1 dotnet test --filter OpenApiTests rewrites it.
    /// </summary>
    [Fact]
    public async Task The_served_openapi_document_is_the_committed_one_and_covers_every_endpoint()
    {
        await using var platform = new Platform(Backend.Sqlite);
        var client = platform.CreateClient();
        var response = await client.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var served = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        // The server's own address is not part of the contract.
        served.AsObject().Remove("servers");
        var text = served.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        if (Environment.GetEnvironmentVariable("MINERWATCH_UPDATE_OPENAPI") == "1") await File.WriteAllTextAsync(Committed, text, TestContext.Current.CancellationToken);
        Assert.True(File.Exists(Committed), $"{Committed} is missing: run the tests once with MINERWATCH_UPDATE_OPENAPI=1");
        Assert.Equal(await File.ReadAllTextAsync(Committed, TestContext.Current.CancellationToken), text);
        var paths = served["paths"]!.AsObject().Select(p => p.Key).ToList();
        foreach (var path in new[] { "/api/v1/meter-data", "/api/v1/jobs/{id}", "/api/v1/cases", "/api/v1/cases/{id}/transitions", "/api/v1/cases/{id}/bundle", "/api/v1/campaign/summary", "/api/v1/evidence/checkpoint", "/api/v1/events/stream" })
            Assert.Contains(path, paths);
    }
}
