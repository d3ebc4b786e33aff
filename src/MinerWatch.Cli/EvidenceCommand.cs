using System.CommandLine;
using MinerWatch.Evidence.Log;
using MinerWatch.Evidence.Notes;

namespace MinerWatch.Cli;

/// <summary>`minerwatch evidence ...`: the tamper-evident evidence log.</summary>
public static class EvidenceCommand
{
    public static Command Create(CliConsole console)
    {
        var evidence = new Command("evidence", "An append-only Merkle log of findings and files, with signed checkpoints and proofs anyone can check offline");
        evidence.Subcommands.Add(Keygen(console));
        evidence.Subcommands.Add(Init(console));
        evidence.Subcommands.Add(Add(console));
        evidence.Subcommands.Add(CheckpointCommand(console));
        evidence.Subcommands.Add(Prove(console));
        evidence.Subcommands.Add(ConsistencyCommand(console));
        evidence.Subcommands.Add(VerifyCommand(console));
        evidence.Subcommands.Add(VerifyProof(console));
        evidence.Subcommands.Add(WitnessCommand(console));
        evidence.Subcommands.Add(Cosign(console));
        return evidence;
    }

    private static Option<string> LogOption() => new("--log") { Description = "The log's directory", Required = true };

    /// <summary>
    /// The read commands write nothing in the log's directory: an output there (by any name: through a symbolic link,
    /// or a hard link to one of its files) is refused before anything is opened.
    /// </summary>
    private static void RefuseInsideLog(string logDir, params (string Option, string? Path)[] outputs)
    {
        var directory = CommonOptions.Canonical(logDir);
        var files = Directory.Exists(logDir) ? Directory.GetFiles(logDir).Select(FileIdentity.Of).OfType<FileIdentity>().ToHashSet() : [];
        foreach (var (option, path) in outputs)
        {
            if (path is null) continue;
            var canonical = CommonOptions.Canonical(path);
            if (canonical.StartsWith(directory.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                || FileIdentity.Of(path) is { } id && files.Contains(id))
                throw new UsageException($"{option} {path} is inside the log's directory {logDir}: reading a log writes nothing there; choose a path elsewhere");
        }
    }

    /// <summary>The signing key never sits in the log's directory, which is copied to auditors and published.</summary>
    internal static void RefuseKeyInsideLog(string logDir, string keyFile)
    {
        if (Path.GetDirectoryName(CommonOptions.Canonical(keyFile)) == CommonOptions.Canonical(logDir))
            throw new UsageException($"--key {keyFile} is inside the log's directory {logDir}, which is copied to auditors: keep the signing key elsewhere");
    }

    public static Option<FileInfo> KeyOption() => CommonOptions.ExistingFile("--key", "The log's private signing key (from keygen); kept outside the log's directory");

    private static Command Keygen(CliConsole console)
    {
        var name = new Option<string>("--name") { Description = "The key's name, e.g. inspection.example.org/log (a witness: its own name)", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the private key (created owner-only)", Required = true };
        var witness = new Option<bool>("--witness") { Description = "A witness's cosigning key (signature type 0x04) rather than a log's (0x01)" };
        var command = new Command("keygen", "Generate an Ed25519 key; writes the private key and prints the verifier key (name+hash+key)") { name, output, witness };
        command.SetAction(parse =>
        {
            var file = parse.GetRequiredValue(output);
            if (file.Exists) throw new UsageException($"{file.FullName} exists; refusing to overwrite a key");
            using var key = SignerKey.Generate(parse.GetRequiredValue(name), parse.GetValue(witness) ? VerifierKey.Cosignature : VerifierKey.Ed25519);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var writer = new StreamWriter(file.FullName, options)) writer.WriteLine(key.ToString());
            console.Out.WriteLine(key.Verifier.ToString());
            return Cli.Ok;
        });
        return command;
    }

    private static Command Init(CliConsole console)
    {
        var log = LogOption();
        var origin = new Option<string>("--origin") { Description = "The log's origin line, e.g. inspection.example.org/log", Required = true };
        var key = KeyOption();
        var command = new Command("init", "Create an empty log and sign its first checkpoint") { log, origin, key };
        command.SetAction(parse =>
        {
            RefuseKeyInsideLog(parse.GetRequiredValue(log), parse.GetRequiredValue(key).FullName);
            using var created = EvidenceLog.Init(parse.GetRequiredValue(log), parse.GetRequiredValue(origin), parse.GetRequiredValue(key).FullName);
            console.Out.Write(created.Latest.ToString());
            return Cli.Ok;
        });
        return command;
    }

    private static Command Add(CliConsole console)
    {
        var log = LogOption();
        var key = KeyOption();
        var files = new Argument<FileInfo[]>("FILE") { Description = "Files to record", Arity = ArgumentArity.OneOrMore };
        files.AcceptExistingOnly();
        var raw = new Option<bool>("--raw") { Description = "Log each file's bytes verbatim as the leaf, instead of a record of its name and SHA-256" };
        var caseId = new Option<string?>("--case") { Description = "The case the files belong to (recorded in each record)" };
        var by = new Option<string?>("--by") { Description = "Who adds them (recorded in each record; default: the user name)" };
        var command = new Command("add", "Append files (or records of them) to the log; prints each entry's index once the signed checkpoint covering them is written")
        {
            log, key, files, raw, caseId, by,
        };
        command.SetAction(parse =>
        {
            var paths = parse.GetRequiredValue(files);
            var now = DateTimeOffset.UtcNow;
            // Every leaf is built before anything is written: one unreadable file means nothing is appended.
            var leaves = paths.Select(f => parse.GetValue(raw)
                ? File.ReadAllBytes(f.FullName)
                : EvidenceRecord.For(f.FullName, now, parse.GetValue(caseId), parse.GetValue(by) ?? Environment.UserName).Canonical()).ToList();
            RefuseKeyInsideLog(parse.GetRequiredValue(log), parse.GetRequiredValue(key).FullName);
            for (var i = 0; i < paths.Length; i++)
            {
                // A private key logged verbatim would be published with the log, and could never be taken out.
                if (parse.GetValue(raw) && System.Text.Encoding.UTF8.GetString(leaves[i].AsSpan(0, Math.Min(leaves[i].Length, 12))) == "PRIVATE+KEY+")
                    throw new UsageException($"{paths[i].FullName} is a private signing key: logging it with --raw would publish it; log a record of it (without --raw), or nothing");
            }
            using var opened = EvidenceLog.OpenWriter(parse.GetRequiredValue(log), parse.GetRequiredValue(key).FullName);
            var indices = opened.Append(leaves);
            for (var i = 0; i < paths.Length; i++) console.Out.WriteLine($"{indices[i]}\t{paths[i].Name}");
            return Cli.Ok;
        });
        return command;
    }

    private static Command CheckpointCommand(CliConsole console)
    {
        var log = LogOption();
        var command = new Command("checkpoint", "Print the latest signed checkpoint exactly as stored") { log };
        command.SetAction(parse =>
        {
            console.Out.Write(EvidenceLog.Open(parse.GetRequiredValue(log)).Latest.ToString());
            return Cli.Ok;
        });
        return command;
    }

    private static Command Prove(CliConsole console)
    {
        var log = LogOption();
        var index = new Option<long>("--index") { Description = "The entry's index", Required = true };
        var output = CommonOptions.Out();
        var command = new Command("prove", "Print a c2sp.org/tlog-proof@v1 for an entry against the latest checkpoint") { log, index, output };
        command.SetAction(parse =>
        {
            RefuseInsideLog(parse.GetRequiredValue(log), ("--out", parse.GetValue(output)?.FullName));
            var opened = EvidenceLog.Open(parse.GetRequiredValue(log));
            var i = parse.GetValue(index);
            var checkpoint = Checkpoint.Parse(opened.Latest.Text);
            var path = opened.Inclusion(i, checkpoint.Size);
            var leaf = opened.Entry(i);
            // A record's leaf travels as the proof's extra data, so a verifier holding only the file can rebuild it.
            var proof = new TlogProof(EvidenceRecord.FromLeaf(leaf) is not null ? leaf : null, i, path, opened.Latest);
            using var writer = CommonOptions.OpenOutput(parse.GetValue(output), console);
            writer.Write(proof.ToString());
            return Cli.Ok;
        });
        return command;
    }

    private static Command ConsistencyCommand(CliConsole console)
    {
        var log = LogOption();
        var from = new Option<long>("--from") { Description = "The earlier tree size", Required = true };
        var to = new Option<long?>("--to") { Description = "The later tree size (default: the latest checkpoint's)" };
        var command = new Command("consistency", "Print the consistency proof between two tree sizes, base64, one hash a line") { log, from, to };
        command.SetAction(parse =>
        {
            var opened = EvidenceLog.Open(parse.GetRequiredValue(log));
            foreach (var h in opened.Consistency(parse.GetValue(from), parse.GetValue(to) ?? opened.Size)) console.Out.WriteLine(h.ToBase64());
            return Cli.Ok;
        });
        return command;
    }

    private static Command VerifyCommand(CliConsole console)
    {
        var log = LogOption();
        var since = CommonOptions.ExistingFile("--since", "A checkpoint saved earlier, or a proof holding one: the log must still hold that tree (catches a log restored from an older copy)", required: false);
        var vkey = new Option<string?>("--vkey") { Description = "The log's verifier key as published: the log must be signed by it (catches a log re-made under another key)" };
        var command = new Command("verify", "Audit the whole log: recompute every hash, check every checkpoint's signature and consistency; exit 2 naming each problem") { log, since, vkey };
        command.SetAction(parse =>
        {
            var dir = parse.GetRequiredValue(log);
            var pinned = parse.GetValue(vkey) is { } text ? VerifierKey.Parse(text) : null;
            var report = parse.GetValue(since) is { } file ? EvidenceLog.Verify(dir, Earlier(File.ReadAllText(file.FullName))) : EvidenceLog.Verify(dir);
            if (pinned is not null && report.Latest is { } signed && !signed.IsSignedBy(pinned))
                report = report with { Problems = [.. report.Problems, $"the log is not signed by the key given with --vkey ({pinned}): it was made, or re-made, under another key"] };
            if (report.Valid)
            {
                var latest = report.Latest!;
                var cosignatures = latest.Signatures.Count - 1;
                console.Out.WriteLine($"valid: {report.Size} entries, every hash, checkpoint and cosignature checks out; latest root {Checkpoint.Parse(latest.Text).Root.ToBase64()}"
                    + (cosignatures > 0 ? $", cosigned by {cosignatures} witness{(cosignatures == 1 ? "" : "es")}" : ""));
            }
            else
            {
                console.Out.WriteLine("NOT valid:");
                foreach (var p in report.Problems) console.Out.WriteLine($"  {p}");
            }
            foreach (var note in report.Notes) console.Out.WriteLine($"  note: {note}");
            return report.Valid ? Cli.Ok : Cli.BadInput;
        });
        return command;
    }

    /// <summary>A checkpoint saved as it was printed, or the one a proof carries.</summary>
    private static SignedNote Earlier(string text) =>
        text.StartsWith("c2sp.org/tlog-proof@v1\n", StringComparison.Ordinal) ? TlogProof.Parse(text).Checkpoint : SignedNote.Parse(text);

    private static Command WitnessCommand(CliConsole console)
    {
        var log = LogOption();
        var key = CommonOptions.ExistingFile("--key", "The witness's private key (from keygen --witness)");
        var state = new Option<FileInfo>("--state") { Description = "The witness's state file: the last checkpoint it cosigned per log (created if missing)", Required = true };
        var vkey = new Option<string?>("--log-vkey") { Description = "The log's verifier key; needed the first time the witness sees the log" };
        var output = CommonOptions.Out();
        var command = new Command("witness", "As a witness: check the log's latest checkpoint is signed and consistent with the last one this witness cosigned, then print the cosignature line for the log's operator ('evidence cosign'); reads the log, never writes it")
        {
            log, key, state, vkey, output,
        };
        command.SetAction(parse =>
        {
            var dir = parse.GetRequiredValue(log);
            var statePath = parse.GetRequiredValue(state).FullName;
            RefuseInsideLog(dir, ("--state", statePath), ("--out", parse.GetValue(output)?.FullName));
            var opened = EvidenceLog.Open(dir);
            using var witnessKey = SignerKey.Parse(File.ReadAllText(parse.GetRequiredValue(key).FullName));
            if (witnessKey.Type != VerifierKey.Cosignature) throw new UsageException("the witness key is a log key; make one with 'evidence keygen --witness'");
            var witness = new Witness(witnessKey, statePath);
            var logKey = parse.GetValue(vkey) is { } text ? VerifierKey.Parse(text) : null;
            var cosignature = witness.Cosign(opened.Latest, (from, to) => opened.Consistency(from, to), logKey, DateTimeOffset.UtcNow);
            using var writer = CommonOptions.OpenOutput(parse.GetValue(output), console);
            writer.Write(cosignature.Line);
            return Cli.Ok;
        });
        return command;
    }

    private static Command Cosign(CliConsole console)
    {
        var log = LogOption();
        var witnessKey = new Option<string>("--witness-vkey") { Description = "The witness's verifier key (from its keygen --witness)", Required = true };
        var line = new Argument<string>("COSIGNATURE") { Description = "A file holding the witness's cosignature line (from 'evidence witness'), or - for standard input" };
        var command = new Command("cosign", "As the log's operator: keep a witness's cosignature of the latest checkpoint in the log (checked, and kept by every later append)")
        {
            log, witnessKey, line,
        };
        command.SetAction(parse =>
        {
            var source = parse.GetRequiredValue(line);
            var text = source == "-" ? Console.In.ReadToEnd() : File.Exists(source) ? File.ReadAllText(source) : throw new UsageException($"{source} does not exist");
            var witness = VerifierKey.Parse(parse.GetRequiredValue(witnessKey));
            var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (lines.Length != 1) throw new UsageException($"{source}: expected one cosignature line ('— name signature'), found {lines.Length} lines");
            var cosignature = SignedNote.Parse("x\n\n" + lines[0] + "\n").Signatures[0];
            using var opened = EvidenceLog.OpenWriter(parse.GetRequiredValue(log), keyFile: null);
            opened.AddCosignature(cosignature, witness);
            console.Out.Write(opened.Latest.ToString());
            return Cli.Ok;
        });
        return command;
    }

    private static Command VerifyProof(CliConsole console)
    {
        var vkey = new Option<string>("--vkey") { Description = "The log's verifier key (name+hash+key)", Required = true };
        var witness = new Option<string[]>("--witness") { Description = "A witness's verifier key; repeat the option for each witness" };
        var min = new Option<int>("--min-witnesses") { Description = "How many of the witnesses must have cosigned (default 0)" };
        var proofFile = new Argument<FileInfo>("PROOF") { Description = "The tlog-proof file" };
        var file = new Argument<FileInfo>("FILE") { Description = "The file the entry is about (or, for a raw entry, its bytes)" };
        proofFile.AcceptExistingOnly();
        file.AcceptExistingOnly();
        var command = new Command("verify-proof", "Check a proof offline, with no access to the log: says valid or why not (exit 2)") { vkey, witness, min, proofFile, file };
        command.SetAction(parse =>
        {
            var proof = TlogProof.Parse(File.ReadAllText(parse.GetRequiredValue(proofFile).FullName));
            var witnesses = (parse.GetValue(witness) ?? []).Select(VerifierKey.Parse).DistinctBy(w => (w.Name, w.Id)).ToList();
            var required = parse.GetValue(min);
            if (required < 0 || required > witnesses.Count) throw new UsageException($"--min-witnesses {required}: must be between 0 and the {witnesses.Count} witnesses given");
            var why = ProofVerifier.Verify(proof, VerifierKey.Parse(parse.GetRequiredValue(vkey)), File.ReadAllBytes(parse.GetRequiredValue(file).FullName), witnesses, required);
            if (why is null)
            {
                console.Out.WriteLine($"valid: entry {proof.Index} is in the log's checkpoint of size {Checkpoint.Parse(proof.Checkpoint.Text).Size}");
                return Cli.Ok;
            }
            console.Out.WriteLine($"NOT valid: {why}");
            return Cli.BadInput;
        });
        return command;
    }
}
