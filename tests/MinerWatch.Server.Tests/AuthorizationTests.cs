using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MinerWatch.Server.Tests;

public class AuthorizationTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_endpoint_names_an_authorization_policy_and_only_sign_in_openapi_and_health_are_anonymous()
    {
        await using var platform = new Platform(Backend.Sqlite);
        _ = platform.Server;
        var endpoints = platform.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.True(endpoints.Count > 30, $"only {endpoints.Count} endpoints found");
        var unguarded = endpoints.Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null
            && !e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy is not null)).Select(e => e.RoutePattern.RawText).ToList();
        Assert.Empty(unguarded);
        var anonymous = endpoints.Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null).Select(e => e.RoutePattern.RawText).Order().ToList();
        Assert.Equal(["/", "/api/v1/auth/login", "/healthz", "/openapi/{documentName}.json"], anonymous);
    }

    /// <summary>
    /// Each role against its own region's case, a case in a child region and one in a sibling region, for every case
    /// endpoint: what it may do succeeds, what it may not is 403, and what it may not see is 404, as if it did not exist.
    /// </summary>
    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task Roles_by_region_matrix(Backend backend)
    {
        await using var campaign = await Campaign.StartAsync(backend);
        var clients = new Dictionary<string, HttpClient>
        {
            ["lead"] = await campaign.Platform.SignInAsync("lee"),
            ["inspector"] = await campaign.Platform.SignInAsync("ivy"),
            ["other inspector"] = await campaign.Platform.SignInAsync("ian"),
            ["auditor"] = await campaign.Platform.SignInAsync("aud"),
            ["ingest key"] = campaign.Platform.KeyClient(campaign.Key),
        };
        var places = new Dictionary<string, string> { ["own"] = campaign.Own, ["child"] = campaign.Child, ["sibling"] = campaign.Sibling };
        // role -> (read, comment) expected per place
        var expected = new Dictionary<string, (HttpStatusCode Read, HttpStatusCode Write)[]>
        {
            ["lead"] = [(HttpStatusCode.OK, HttpStatusCode.Created), (HttpStatusCode.OK, HttpStatusCode.Created), (HttpStatusCode.NotFound, HttpStatusCode.NotFound)],
            ["inspector"] = [(HttpStatusCode.OK, HttpStatusCode.Created), (HttpStatusCode.OK, HttpStatusCode.Created), (HttpStatusCode.NotFound, HttpStatusCode.NotFound)],
            ["other inspector"] = [(HttpStatusCode.NotFound, HttpStatusCode.NotFound), (HttpStatusCode.NotFound, HttpStatusCode.NotFound), (HttpStatusCode.NotFound, HttpStatusCode.NotFound)],
            ["auditor"] = [(HttpStatusCode.OK, HttpStatusCode.Forbidden), (HttpStatusCode.OK, HttpStatusCode.Forbidden), (HttpStatusCode.NotFound, HttpStatusCode.Forbidden)],
            ["ingest key"] = [(HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (HttpStatusCode.Forbidden, HttpStatusCode.Forbidden)],
        };
        var wrong = new List<string>();
        foreach (var (role, client) in clients)
        {
            var k = 0;
            foreach (var (place, id) in places)
            {
                var (read, write) = expected[role][k++];
                foreach (var path in new[] { $"/api/v1/cases/{id}", $"/api/v1/cases/{id}/events", $"/api/v1/cases/{id}/attachments", $"/api/v1/cases/{id}/tasks", $"/api/v1/cases/{id}/bundle" })
                    Check(role, place, "GET " + path, read, await client.GetAsync(path, Cancel));
                Check(role, place, "POST comments", write, await client.PostAsJsonAsync($"/api/v1/cases/{id}/comments", new { text = "seen" }, Cancel));
                Check(role, place, "POST tasks", write, await client.PostAsJsonAsync($"/api/v1/cases/{id}/tasks", new { text = "photograph the meter" }, Cancel));
            }
        }
        Assert.Empty(wrong);

        // Lists are filtered the same way: the lead sees own and child, the inspector what is assigned, the sibling never.
        Assert.Equal(new[] { campaign.Own, campaign.Child }.Order(), await CaseIds(clients["lead"]));
        Assert.Equal(new[] { campaign.Own, campaign.Child }.Order(), await CaseIds(clients["inspector"]));
        Assert.Empty(await CaseIds(clients["other inspector"]));
        Assert.Equal(HttpStatusCode.NotFound, (await clients["lead"].GetAsync("/api/v1/cases?region=CN-GD/Guangzhou/Tianhe", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await clients["auditor"].GetAsync("/api/v1/campaign/summary?region=CN-GD/Guangzhou", Cancel)).StatusCode);
        // The map's points: the lead's own and child cases with coordinates, the sibling's never; an inspector's only theirs.
        var points = await clients["lead"].GetFromJsonAsync<JsonElement>("/api/v1/campaign/points", Cancel);
        Assert.Equal(["D0FARM", "D1FARM"], points.EnumerateArray().Select(p => p.GetProperty("subject_id").GetString()).Order());
        Assert.Empty((await clients["other inspector"].GetFromJsonAsync<JsonElement>("/api/v1/campaign/points", Cancel)).EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await clients["lead"].GetAsync("/api/v1/meters/D2FARM", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await clients["lead"].GetAsync("/api/v1/meters/D1FARM", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await clients["auditor"].GetAsync("/api/v1/meters/D1FARM", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await clients["auditor"].GetAsync("/api/v1/meters", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await clients["inspector"].GetAsync("/api/v1/meters", Cancel)).StatusCode);

        void Check(string role, string place, string what, HttpStatusCode want, HttpResponseMessage got)
        {
            if (got.StatusCode != want) wrong.Add($"{role} {what} on {place}: {(int)got.StatusCode}, expected {(int)want}");
        }
    }

    private static async Task<List<string>> CaseIds(HttpClient client)
    {
        var page = await client.GetFromJsonAsync<JsonElement>("/api/v1/cases", Cancel);
        return [.. page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetString()!).Order()];
    }

    [Fact]
    public async Task A_cookie_write_without_the_antiforgery_token_is_refused()
    {
        await using var platform = new Platform(Backend.Sqlite);
        await platform.AddUserAsync("ada", "admin", "");
        var client = await platform.SignInAsync("ada");
        client.DefaultRequestHeaders.Remove("X-CSRF-TOKEN");
        var response = await client.PutAsJsonAsync("/api/v1/settings/threshold", new { threshold = 0.6 }, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("antiforgery token", await response.Content.ReadAsStringAsync(Cancel));
    }

    [Fact]
    public async Task Sign_in_is_rate_limited_with_retry_after_and_wrong_passwords_lock_the_account()
    {
        await using var platform = new Platform(Backend.Sqlite, ("logins-per-minute", "7"));
        await platform.AddUserAsync("ada", "admin", "");
        var client = platform.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
            statuses.Add((await client.PostAsJsonAsync("/api/v1/auth/login", new { user_name = "ada", password = "wrong password!" }, Cancel)).StatusCode);
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 4), HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.TooManyRequests], statuses);
        var limited = await client.PostAsJsonAsync("/api/v1/auth/login", new { user_name = "ada", password = Platform.Password }, Cancel);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public async Task Answers_carry_security_headers_and_anonymous_calls_get_401_problems()
    {
        await using var platform = new Platform(Backend.Sqlite);
        var client = platform.CreateClient();
        var response = await client.GetAsync("/api/v1/cases", Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
        var key = platform.KeyClient("mwk_not-a-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await key.GetAsync("/api/v1/jobs", Cancel)).StatusCode);
    }
}
