using BenchmarkDotNet.Running;
using MinerWatch.Benchmarks.Grid;

// `scale <step> ...` times one step once on a large data set (bench/run.sh runs each under /usr/bin/time -v);
// anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "scale") return ScaleRun.Run(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(ScaleRun).Assembly).Run(args);
return 0;
