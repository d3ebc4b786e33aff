namespace MinerWatch.Simulation.Tests;

/// <summary>Scratch directories for tests.</summary>
internal static class TestData
{
    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "minerwatch-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
