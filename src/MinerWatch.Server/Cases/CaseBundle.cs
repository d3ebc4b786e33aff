using System.IO.Compression;
using System.Text;
using System.Text.Json;
using MinerWatch.Application.Evidence;
using MinerWatch.Persistence;
using MinerWatch.Server.Apis;

namespace MinerWatch.Server.Cases;

/// <summary>
/// A case as a court can check it offline: the case, every event exactly as logged with its inclusion proof against
/// the latest checkpoint, the attachments, the verifier key, and how to check them.
/// </summary>
public static class CaseBundle
{
    public static byte[] Build(CaseView c, IReadOnlyList<CaseEvent> events, IReadOnlyList<Attachment> attachments, EvidenceStore evidence)
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            var checkpoint = evidence.Checkpoint();
            Text(zip, "case.json", JsonSerializer.Serialize(new
            {
                @case = c,
                events = events.Select(e => new { e.Id, e.Kind, e.At, e.Actor, e.Sha256, log_index = e.LogIndex, file = $"events/{Name(e)}.json" }),
                attachments = attachments.Select(a => new { a.Id, a.FileName, a.MediaType, a.Sha256, a.Size, a.Added, a.AddedBy, file = $"attachments/{a.Id}-{a.FileName}" }),
            }, new JsonSerializerOptions(CaseLog.Json) { WriteIndented = true }));
            foreach (var e in events)
            {
                Text(zip, $"events/{Name(e)}.json", e.Json);
                if (e.LogIndex is { } index) Text(zip, $"proofs/{Name(e)}.tlog-proof", evidence.Proof(index));
            }
            foreach (var a in attachments)
                zip.CreateEntryFromFile(a.StoredPath, $"attachments/{a.Id}-{a.FileName}", CompressionLevel.Optimal);
            Text(zip, "checkpoint", checkpoint);
            Text(zip, "verifier-key", evidence.Key.ToString() + "\n");
            Text(zip, "README.md", Readme(c.Id, events.Count, attachments.Count));
        }
        return memory.ToArray();
    }

    private static string Name(CaseEvent e) => $"{e.LogIndex?.ToString("D8") ?? "pending"}-{e.Kind}";

    private static void Text(ZipArchive zip, string name, string text)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        using var stream = entry.Open();
        stream.Write(new UTF8Encoding(false).GetBytes(text));
    }

    private static string Readme(string id, int events, int attachments) => $"""
        # Case {id}: evidence bundle

        This bundle holds the case as the server shows it (`case.json`), its {events} events exactly as they were appended
        to the deployment's tamper-evident evidence log (`events/`), an inclusion proof of each (`proofs/`, in the
        c2sp.org/tlog-proof@v1 format), the log's latest signed checkpoint (`checkpoint`), the log's verifier key
        (`verifier-key`) and {attachments} attachments (`attachments/`, whose SHA-256 each attachment event records).

        ## Check it with MinerWatch

            minerwatch evidence verify-proof --vkey "$(cat verifier-key)" proofs/NNNNNNNN-KIND.tlog-proof events/NNNNNNNN-KIND.json

        prints `valid` when the event is in the log the checkpoint commits to, and says why not otherwise (exit 2).
        Then check each attachment's SHA-256 (`sha256sum attachments/*`) against the `sha256` of its attachment event.

        ## Check it with the specifications alone

        - The checkpoint is a signed note (c2sp.org/signed-note) over a checkpoint body (c2sp.org/tlog-checkpoint):
          origin, tree size, root hash. Its Ed25519 signature verifies with the key in `verifier-key`
          (name+hash+base64(0x01 || public key)).
        - Each event's leaf hash is SHA-256(0x00 || the event file's bytes) (RFC 6962 section 2.1); its inclusion proof
          in the proof file, applied as RFC 6962 / RFC 9162 section 2.1.3.2 describe, must give the checkpoint's root.
        - A later checkpoint of the same log must be consistent with this one (`minerwatch evidence consistency`), so
          nothing in the log was changed after this bundle was made.

        """;
}
