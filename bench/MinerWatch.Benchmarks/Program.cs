using BenchmarkDotNet.Running;
using MinerWatch.Benchmarks.Grid;
using MinerWatch.Benchmarks.Network;

// `scale <step> ...` times one step once on a large data set (bench/run.sh and bench/net.sh run each under
// /usr/bin/time -v); anything else goes to BenchmarkDotNet.
if (args.Length > 1 && args[0] == "scale" && args[1].StartsWith("net-", StringComparison.Ordinal)) return NetScaleRun.Run(args[1..]);
if (args.Length > 1 && args[0] == "scale" && args[1].StartsWith("evidence-", StringComparison.Ordinal)) return MinerWatch.Benchmarks.Evidence.EvidenceScaleRun.Run(args[1..]);
if (args.Length > 2 && args[0] == "scale" && args[1] == "case-page") return await MinerWatch.Benchmarks.Server.CasePageRun.RunAsync(args[2..]);
if (args.Length > 0 && args[0] == "scale") return ScaleRun.Run(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(ScaleRun).Assembly).Run(args);
return 0;
