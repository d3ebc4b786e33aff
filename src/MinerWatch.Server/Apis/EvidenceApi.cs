using MinerWatch.Application.Evidence;
using MinerWatch.Server.Auth;

namespace MinerWatch.Server.Apis;

public sealed record VerifyReport(bool Valid, long Size, IReadOnlyList<string> Problems, IReadOnlyList<string> Notes, string? Checkpoint);

/// <summary>The evidence log: its latest checkpoint and key, a full verification, and proofs of single entries.</summary>
public static class EvidenceApi
{
    public static RouteGroupBuilder MapEvidenceApi(this RouteGroupBuilder api)
    {
        var evidence = api.MapGroup("/evidence").WithTags("Evidence");
        evidence.MapGet("/checkpoint", (EvidenceStore store) => TypedResults.Text(store.Checkpoint(), "text/plain; charset=utf-8"))
            .RequireAuthorization(Policies.People);
        evidence.MapGet("/key", (EvidenceStore store) => TypedResults.Text(store.Key.ToString() + "\n", "text/plain; charset=utf-8"))
            .RequireAuthorization(Policies.People);
        evidence.MapGet("/verify", async (EvidenceStore store, CancellationToken cancel) =>
        {
            var report = await Task.Run(() => EvidenceStore.Verify(store.Directory), cancel);
            return TypedResults.Ok(new VerifyReport(report.Valid, report.Size, report.Problems, report.Notes, report.Latest?.ToString()));
        }).RequireAuthorization(Policies.Auditors);
        evidence.MapGet("/proofs/{index:long}", (long index, EvidenceStore store) =>
        {
            // Entries are case events of every region: a proof names only the entry's hash path, and the entry's
            // bytes are served with the case it belongs to, so only auditors and leads ask by index.
            if (index < 0 || index >= store.Size) throw ApiProblem.NotFound($"entry {index}");
            return TypedResults.Text(store.Proof(index), "text/plain; charset=utf-8");
        }).RequireAuthorization(Policies.Auditors);
        return api;
    }
}
