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
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) console.Error.WriteLine($"error: {error.Message}");
            console.Error.WriteLine("Run 'minerwatch --help' (or '<command> --help') for usage.");
            return BadInput;
        }
        var config = new InvocationConfiguration { Output = console.Out, Error = console.Error, EnableDefaultExceptionHandler = false };
        try
        {
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
}

/// <summary>Bad option values that the parser cannot catch by type alone.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>Where commands write; <see cref="Interactive"/> is true only for a real terminal (progress bars).</summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error, bool Interactive);
