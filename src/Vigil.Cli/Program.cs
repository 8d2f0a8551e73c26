using System.CommandLine;
using Vigil.Cli.Admin;
using Vigil.Cli.Commands;
using Vigil.Cli.Demo;

var root = new RootCommand("Vigil keeps video recording alive when a recording server dies.")
{
    AgentCommand.Create(),
    CamSimCommand.Create(),
    CmsCommand.Create(),
    LoginCommand.Create(),
    LoginCommand.CreateLogout(),
    PasswordCommand.Create(),
    UserCommand.Create(),
    GroupCommand.Create(),
    ServerCommand.Create(),
    StatusCommand.Create(),
    SettingsCommand.Create(),
    FailoverCommand.CreateFailover(),
    FailoverCommand.CreateFailback(),
    FailoverCommand.CreateRestore(),
    FailoverCommand.CreateReplace(),
    FailoverCommand.CreateEvents(),
    AlertCommand.Create(),
    DrillCommand.Create(),
    UpdateCommand.Create(),
    DemoCommand.Create(),
    UpdatePackageCommand.Create(),
};
// Ctrl-C and SIGTERM cancel the running command; servers and the demo then need more than the default 2 s to stop cleanly.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) }).ConfigureAwait(false);
