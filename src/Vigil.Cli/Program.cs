using System.CommandLine;
using Vigil.Cli.Commands;

var root = new RootCommand("Vigil keeps video recording alive when a recording server dies.")
{
    AgentCommand.Create(),
    CamSimCommand.Create(),
    CmsCommand.Create(),
};
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
