using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace MinerWatch.Server.Tests;

public class NotificationTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>A district's system on a real loopback socket: records each POST; fails the first one it gets.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        public ConcurrentQueue<(string Body, string Signature, string Event)> Received { get; } = new();
        public int Refused;

        public Receiver()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            _app = builder.Build();
            _app.MapPost("/hook", async (HttpContext http) =>
            {
                using var reader = new StreamReader(http.Request.Body);
                var body = await reader.ReadToEndAsync();
                if (Interlocked.Increment(ref Refused) == 1) return Results.StatusCode(503);
                Received.Enqueue((body, http.Request.Headers["X-MinerWatch-Signature"].ToString(), http.Request.Headers["X-MinerWatch-Event"].ToString()));
                return Results.Ok();
            });
        }

        public async Task<string> StartAsync()
        {
            await _app.StartAsync(Cancel);
            return _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/hook";
        }

        public ValueTask DisposeAsync() => _app.DisposeAsync();
    }

    [Fact]
    public async Task Webhooks_get_their_regions_case_events_signed_and_retried_after_a_failure()
    {
        await using var receiver = new Receiver();
        var url = await receiver.StartAsync();
        // The receiver runs on this machine, which a real deployment refuses (see HardeningTests).
        await using var campaign = await Campaign.StartAsync(Backend.Sqlite, ("webhooks-to-loopback", "true"));
        const string secret = "district-shared-secret-1";
        var lead = await campaign.Platform.SignInAsync("lee");
        var created = await lead.PostAsJsonAsync("/api/v1/webhooks", new { url, region = Campaign.Nansha, secret }, Cancel);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var sibling = await campaign.Admin.PostAsJsonAsync($"/api/v1/cases/{campaign.Sibling}/comments", new { text = "not for Nansha" }, Cancel);
        Assert.Equal(HttpStatusCode.Created, sibling.StatusCode);
        var own = await lead.PostAsJsonAsync($"/api/v1/cases/{campaign.Own}/comments", new { text = "visit on Monday" }, Cancel);
        var eventId = (await own.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetString();

        for (var i = 0; i < 200 && receiver.Received.IsEmpty; i++) await Task.Delay(100, Cancel);
        var (body, signature, header) = Assert.Single(receiver.Received);
        Assert.Equal(eventId, header);
        Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body))), signature);
        var entry = JsonDocument.Parse(body).RootElement;
        Assert.Equal(campaign.Own, entry.GetProperty("case").GetString());
        Assert.Equal("visit on Monday", entry.GetProperty("data").GetProperty("text").GetString());
        Assert.Equal(2, receiver.Refused);
    }

    [Fact]
    public async Task The_event_stream_tells_a_lead_of_case_events_in_their_region_only()
    {
        await using var campaign = await Campaign.StartAsync(Backend.Sqlite);
        var lead = await campaign.Platform.SignInAsync("lee");
        using var stream = await lead.GetAsync("/api/v1/events/stream", HttpCompletionOption.ResponseHeadersRead, Cancel);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(Cancel));
        Assert.Equal(": connected", await reader.ReadLineAsync(Cancel));
        await campaign.Admin.PostAsJsonAsync($"/api/v1/cases/{campaign.Sibling}/comments", new { text = "Tianhe" }, Cancel);
        await campaign.Admin.PostAsJsonAsync($"/api/v1/cases/{campaign.Child}/comments", new { text = "Huangge" }, Cancel);
        string? data = null;
        while (await reader.ReadLineAsync(Cancel) is { } line)
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line[6..];
                break;
            }
        var item = JsonDocument.Parse(data!).RootElement;
        Assert.Equal(campaign.Child, item.GetProperty("case_id").GetString());
        Assert.Equal("comment", item.GetProperty("kind").GetString());
        Assert.True(item.GetProperty("log_index").GetInt64() > 0);
    }
}
