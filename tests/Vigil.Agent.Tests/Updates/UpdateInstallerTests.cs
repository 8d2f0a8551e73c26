using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Agent.Storage;
using Vigil.Agent.Updates;
using Vigil.Contracts.Agent;
using Vigil.Hosting.Updates;
using Vigil.Testing.Updates;

namespace Vigil.Agent.Tests.Updates;

/// <summary>The installer in process: one update at a time, and none while the last one is not confirmed.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class UpdateInstallerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vigil-installer-").FullName;

    [Theory]
    [InlineData(AgentUpdateStates.Restarting)]
    [InlineData(AgentUpdateStates.Confirming)]
    public async Task A_package_is_refused_as_busy_while_the_last_update_is_not_confirmed(string state)
    {
        using var key = UpdateSigningKey.Create(Path.Combine(_folder, "keys"));
        var data = Path.Combine(_folder, "data");
        var stateFile = new UpdateStateFile(data);
        stateFile.Write(new UpdateState(state, "0.1.0", "0.1.1", null, TimeProvider.System.GetUtcNow()));
        Directory.CreateDirectory(Path.Combine(_folder, "program", "versions"));
        using var installer = new UpdateInstaller(new ProgramLayout(Path.Combine(_folder, "program"), null), stateFile, new AgentDatabase(data), TimeProvider.System, NullLogger<UpdateInstaller>.Instance);

        var refusal = await Should.ThrowAsync<UpdatePackageException>(() => installer.InstallAsync(new MemoryStream([1, 2, 3]), key.HeaderValue, CancellationToken.None));

        refusal.Rule.ShouldBe(UpdateRules.Busy);
        refusal.Message.ShouldContain("0.1.1");
        stateFile.Read().State.ShouldBe(state, "a refused second update leaves the first one's state alone");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
