using System.CommandLine;

namespace MinerWatch.Cli;

public enum OutputFormat
{
    Table,
    Json,
    Csv,
}

/// <summary>Options shared by several commands, with their help text and validation in one place.</summary>
public static class CommonOptions
{
    public static Option<OutputFormat> Format() => new("--format")
    {
        Description = "Output format: table (for people), json or csv (for programs)",
        DefaultValueFactory = _ => OutputFormat.Table,
    };

    public static Option<FileInfo?> Out() => new("--out")
    {
        Description = "Write the output to this file instead of standard output",
    };

    public static Option<FileInfo> ExistingFile(string name, string description, bool required = true)
    {
        var option = new Option<FileInfo>(name) { Description = description, Required = required };
        option.AcceptExistingOnly();
        Inputs.AddOrUpdate(option, option);
        return option;
    }

    /// <summary>The options made by <see cref="ExistingFile"/>: files read. Every other file option is written.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Symbol, Symbol> Inputs = new();

    /// <summary>
    /// The check of <see cref="RefuseOutputOverInput(IEnumerable{ValueTuple{string, string}}, ValueTuple{string, string}[])"/>
    /// for a parsed command: its inputs are the options made by <see cref="ExistingFile"/> and its file arguments, its
    /// outputs every other file option given. One call at the start of a command's action.
    /// </summary>
    public static void RefuseOutputOverInput(ParseResult parse)
    {
        var inputs = new List<(string, string?)>();
        var outputs = new List<(string, string?)>();
        foreach (var child in parse.CommandResult.Children)
        {
            switch (child)
            {
                case System.CommandLine.Parsing.OptionResult o when o.Option.ValueType == typeof(FileInfo):
                    var file = o.GetValueOrDefault<FileInfo?>()?.FullName;
                    (Inputs.TryGetValue(o.Option, out _) ? inputs : outputs).Add((o.Option.Name, file));
                    break;
                case System.CommandLine.Parsing.ArgumentResult a when a.Argument.ValueType == typeof(FileInfo[]):
                    inputs.AddRange((a.GetValueOrDefault<FileInfo[]?>() ?? []).Select(f => ((string, string?))(a.Argument.Name, f.FullName)));
                    break;
                // Input files given as text, where - stands for standard input.
                case System.CommandLine.Parsing.ArgumentResult a when a.Argument.ValueType == typeof(string[]):
                    inputs.AddRange((a.GetValueOrDefault<string[]?>() ?? []).Where(p => p != "-").Select(p => ((string, string?))(a.Argument.Name, Path.GetFullPath(p))));
                    break;
            }
        }
        RefuseOutputOverInput(inputs, [.. outputs]);
    }

    /// <summary>
    /// Refuses an output path that names one of the inputs: outputs are opened (and truncated) before or while the
    /// inputs are read, so the data would be lost. Paths are compared after resolving symbolic links in every
    /// component, and on Linux also by device and inode, which catches hard links.
    /// </summary>
    /// <param name="inputs">Each input's option (or argument) name and path; null paths are skipped.</param>
    /// <param name="outputs">Each output's option name and path; null paths are skipped.</param>
    public static void RefuseOutputOverInput(IEnumerable<(string Option, string? Path)> inputs, params (string Option, string? Path)[] outputs)
    {
        var read = inputs.Where(i => i.Path is not null).Select(i => (i.Option, File: FileName.Of(i.Path!))).ToList();
        var written = new List<(string Option, FileName File)>();
        foreach (var (option, path) in outputs)
        {
            if (path is null) continue;
            var file = FileName.Of(path);
            foreach (var input in read.Where(i => file.SameAs(i.File)))
                throw new UsageException($"{option} {path} is the input file given with {input.Option} ({input.File.Path}): writing it would destroy the data before it is read; choose another output path");
            // Two outputs to one file: the later would silently replace the earlier.
            foreach (var other in written.Where(o => file.SameAs(o.File)))
                throw new UsageException($"{option} {path} is also the file given with {other.Option} ({other.File.Path}): one would replace the other; give each output its own path");
            written.Add((option, file));
        }
    }

    /// <summary>The full path with every symbolic link along it resolved (as far as the path exists).</summary>
    internal static string Canonical(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? "/";
        var current = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            try
            {
                FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
                if (info.Exists && info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
                    current = Canonical(target.FullName);
            }
            catch (IOException)
            {
                // A link loop or an unreadable link: compare the path as written.
            }
        }
        return current;
    }

    /// <summary>Opens the output target; the caller disposes it.</summary>
    public static TextWriter OpenOutput(FileInfo? file, CliConsole console)
    {
        if (file is null) return new NonClosingWriter(console.Out);
        if (file.Directory is { Exists: false } dir) dir.Create();
        return new StreamWriter(file.FullName, false, new System.Text.UTF8Encoding(false));
    }

    private sealed class NonClosingWriter(TextWriter inner) : TextWriter
    {
        public override System.Text.Encoding Encoding => inner.Encoding;
        public override void Write(char value) => inner.Write(value);
        public override void Write(string? value) => inner.Write(value);
        public override void Write(ReadOnlySpan<char> buffer) => inner.Write(buffer);
        public override void Flush() => inner.Flush();
        protected override void Dispose(bool disposing) => inner.Flush();
    }
}

/// <summary>A path as given, with what tells whether two paths name one file: the path with links resolved, and the inode.</summary>
internal readonly record struct FileName(string Path, string Canonical, FileIdentity? Id)
{
    public static FileName Of(string path) => new(path, CommonOptions.Canonical(path), FileIdentity.Of(path));

    public bool SameAs(FileName other) => string.Equals(Canonical, other.Canonical, StringComparison.Ordinal) || (Id is not null && Id == other.Id);
}

/// <summary>A file's device and inode on Linux, so that two names of one file (hard links) are told apart from two files.</summary>
internal readonly record struct FileIdentity(ulong Device, ulong Inode)
{
    public static FileIdentity? Of(string path)
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(path)) return null;
        try
        {
            // struct stat on Linux (x86-64 and the generic layout of arm64 and others) starts with st_dev and st_ino, 8 bytes each.
            var buffer = new byte[256];
            if (Native.Stat(path, buffer) != 0) return null;
            return new FileIdentity(BitConverter.ToUInt64(buffer, 0), BitConverter.ToUInt64(buffer, 8));
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }
}

internal static partial class Native
{
    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "stat", StringMarshalling = System.Runtime.InteropServices.StringMarshalling.Utf8)]
    internal static partial int Stat(string path, [System.Runtime.InteropServices.Out] byte[] buffer);
}
