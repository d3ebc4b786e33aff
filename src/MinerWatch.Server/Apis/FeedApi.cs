using System.Text.Json;
using MinerWatch.Server.Auth;
using MinerWatch.Server.Cases;

namespace MinerWatch.Server.Apis;

/// <summary>Server-sent events: each case event in the caller's region as it happens, for the console.</summary>
public static class FeedApi
{
    public static RouteGroupBuilder MapFeedApi(this RouteGroupBuilder api)
    {
        api.MapGet("/events/stream", async (HttpContext http, CaseFeed feed, CancellationToken cancel) =>
        {
            var caller = Caller.Of(http.User);
            http.Response.Headers.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            var reader = feed.Subscribe(caller.Region, caller.Role == MinerWatch.Application.Roles.Inspector ? caller.Id : null, cancel);
            await http.Response.WriteAsync(": connected\n\n", cancel);
            await http.Response.Body.FlushAsync(cancel);
            try
            {
                await foreach (var item in reader.ReadAllAsync(cancel))
                {
                    // The feed says which case and what happened; the case itself is read through the scoped API.
                    await http.Response.WriteAsync($"id: {item.EventId}\nevent: case\ndata: {JsonSerializer.Serialize(item, CaseLog.Json)}\n\n", cancel);
                    await http.Response.Body.FlushAsync(cancel);
                }
            }
            catch (OperationCanceledException)
            {
                // The client went away.
            }
        }).WithTags("Cases").RequireAuthorization(Policies.People);
        return api;
    }
}
