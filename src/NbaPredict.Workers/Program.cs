using NbaPredict.Workers.Cli;

return await NbaCli.RunAsync(args, Console.Out, Console.Error);
