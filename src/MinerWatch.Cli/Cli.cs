using System.CommandLine;
using MinerWatch.Energy;
using MinerWatch.Grid.Input;

namespace MinerWatch.Cli;

/// <summary>Builds the command tree and maps failures to exit codes: 0 success, 2 bad usage or input, 1 internal failure.</summary>
public static class Cli
{
    public const int Ok = 0;
    public const int Internal = 1;
    public const int BadInput = 2;

    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        var console = new CliConsole(stdout ?? Console.Out, stderr ?? Console.Error, stdout is null && !Console.IsOutputRedirected);
        var root = new RootCommand("MinerWatch finds hidden cryptocurrency mining in electricity meter data and measures what it costs.");
        root.Subcommands.Add(ScanCommand.Create(console));
        root.Subcommands.Add(SimulateCommand.Create(console));
        root.Subcommands.Add(EvaluateCommand.Create(console));
        root.Subcommands.Add(DemoCommand.Create(console));
        root.Subcommands.Add(EnergyCommand.Create(console));
        root.Subcommands.Add(NetCommand.Create(console));
        root.Subcommands.Add(EvidenceCommand.Create(console));
        root.Subcommands.Add(ServeCommand.Create(console));
        root.Subcommands.Add(ServeCommand.Users(console));
        root.Subcommands.Add(ServeCommand.Keys(console));
        GuardValidators(root);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) console.Error.WriteLine($"error: {Plain(error.Message)}");
            console.Error.WriteLine("Run 'minerwatch --help' (or '<command> --help') for usage.");
            return BadInput;
        }
        var config = new InvocationConfiguration { Output = console.Out, Error = console.Error, EnableDefaultExceptionHandler = false };
        try
        {
            // Every command, whatever its options: no output over an input, no two outputs to one file.
            if (parse.Action is not System.CommandLine.Help.HelpAction) CommonOptions.RefuseOutputOverInput(parse);
            return parse.Invoke(config);
        }
        catch (InputException e)
        {
            console.Error.WriteLine($"error: {e.Message}");
            return BadInput;
        }
        catch (EnergyInputException e)
        {
            console.Error.WriteLine($"error: {e.Message}");
            return BadInput;
        }
        catch (Exception e) when (e is MinerWatch.Evidence.Notes.NoteException or MinerWatch.Evidence.Log.EvidenceLogException)
        {
            console.Error.WriteLine($"error: {e.Message}");
            return BadInput;
        }
        catch (UsageException e)
        {
            console.Error.WriteLine($"error: {e.Message}");
            return BadInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            console.Error.WriteLine($"error: {e.Message}");
            return BadInput;
        }
        catch (Exception e)
        {
            console.Error.WriteLine($"internal error: {e.GetType().Name}: {e.Message}");
            console.Error.WriteLine("This is a bug in MinerWatch; please report it with the command line you ran.");
            return Internal;
        }
    }

    /// <summary>
    /// System.CommandLine runs an option's validators before it reports that the option's token does not convert to
    /// the option's type, and a validator's GetValue then throws (a crash, exit 134, on <c>--top abc</c>). Every
    /// validator of every command is wrapped once here so that it is skipped when the value does not convert: the
    /// parser then reports the token as unparsable, as it does for options without validators.
    /// </summary>
    internal static void GuardValidators(Command command)
    {
        foreach (var option in command.Options)
        {
            // The parser reads numbers with thousands separators ("1,5" as 15): a number option takes only a plain number.
            if (option.ValueType == typeof(double) || option.ValueType == typeof(double?))
                RequireTokens(option, t => Grid.Input.PlainNumber.Is(t), "a number (with '.' as the decimal point)");
            // The parser reads dates in the invariant culture's month-first form (03/04/2025 as 4 March): a date
            // option takes only YYYY-MM-DD, which nobody reads two ways.
            if (option.ValueType == typeof(DateOnly) || option.ValueType == typeof(DateOnly?))
                RequireTokens(option, t => DateOnly.TryParseExact(t, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _), "a date written YYYY-MM-DD");
            for (var i = 0; i < option.Validators.Count; i++)
            {
                var inner = option.Validators[i];
                option.Validators[i] = result =>
                {
                    if (Converts(result)) inner(result);
                };
            }
        }
        foreach (var sub in command.Subcommands) GuardValidators(sub);
    }

    /// <summary>A first validator refusing any token not written as the option's one accepted form.</summary>
    private static void RequireTokens(Option option, Func<string, bool> written, string form) =>
        option.Validators.Insert(0, result =>
        {
            foreach (var token in result.Tokens)
                if (!written(token.Value)) result.AddError($"option '{option.Name}': '{token.Value}' is not {form}");
        });

    /// <summary>Whether the option's tokens convert to its type (the parser words the error when they do not).</summary>
    private static bool Converts(System.CommandLine.Parsing.OptionResult result)
    {
        try
        {
            _ = result.GetValueOrDefault<object?>();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The parser's conversion errors name .NET types; users know numbers and dates.</summary>
    internal static string Plain(string message)
    {
        var at = message.IndexOf(" as expected type '", StringComparison.Ordinal);
        if (at < 0 || !message.StartsWith("Cannot parse argument ", StringComparison.Ordinal)) return message;
        // The type ends at its closing quote; the parser may add suggestions after it ("Did you mean ...").
        var typeStart = at + 19;
        var typeEnd = message.IndexOf('\'', typeStart);
        var type = typeEnd < 0 ? message[typeStart..] : message[typeStart..typeEnd];
        var name = type.Replace("System.Nullable`1[", "", StringComparison.Ordinal).TrimEnd(']');
        var expected = name switch
        {
            "System.Int32" or "System.Int64" => "a whole number",
            "System.Double" => "a number (with '.' as the decimal point)",
            "System.DateOnly" => "a date (YYYY-MM-DD)",
            "System.DateTimeOffset" or "System.DateTime" => "a date and time (ISO 8601)",
            "System.IO.FileInfo" => "a file path",
            "System.IO.DirectoryInfo" => "a directory path",
            _ when typeof(Cli).Assembly.GetType(name) is { IsEnum: true } e => $"one of {string.Join(", ", Enum.GetNames(e).Select(n => n.ToLowerInvariant()))}",
            var other => other.Split('.').Last().ToLowerInvariant(),
        };
        // "Cannot parse argument 'abc' for option '--top'" becomes "option '--top': 'abc' is not a whole number".
        var what = message["Cannot parse argument ".Length..at];
        var quoteEnd = what.LastIndexOf("' for ", StringComparison.Ordinal);
        return quoteEnd < 0 ? message : $"{what[(quoteEnd + 6)..]}: {what[..(quoteEnd + 1)]} is not {expected}";
    }
}

/// <summary>Bad option values that the parser cannot catch by type alone.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>Where commands write; <see cref="Interactive"/> is true only for a real terminal (progress bars).</summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error, bool Interactive);
