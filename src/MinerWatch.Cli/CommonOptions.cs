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
        return option;
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
