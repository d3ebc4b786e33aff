using Spectre.Console;

namespace MinerWatch.Cli;

/// <summary>A progress bar on a terminal; nothing when output goes to a file or a pipe.</summary>
public static class Progress
{
    public static T Run<T>(CliConsole console, string label, Func<Action<double>, T> work)
    {
        if (!console.Interactive) return work(_ => { });
        var result = default(T)!;
        AnsiConsole.Progress().AutoClear(true).Start(ctx =>
        {
            var task = ctx.AddTask(label, maxValue: 1);
            result = work(p => task.Value = Math.Clamp(p, 0, 1));
            task.Value = 1;
        });
        return result;
    }
}
