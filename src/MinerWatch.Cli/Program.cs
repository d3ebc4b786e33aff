using MinerWatch.Cli;

return Cli.Run(args);
