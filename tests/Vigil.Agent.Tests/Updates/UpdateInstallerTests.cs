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

    [Fact]
    public async Task A_package_whose_sender_goes_away_mid_way_leaves_a_failed_state_that_names_no_version()
    {
        using var key = UpdateSigningKey.Create(Path.Combine(_folder, "keys"));
        var data = Path.Combine(_folder, "data");
        var stateFile = new UpdateStateFile(data);
        Directory.CreateDirectory(Path.Combine(_folder, "program", "versions"));
        using var installer = new UpdateInstaller(new ProgramLayout(Path.Combine(_folder, "program"), null), stateFile, new AgentDatabase(data), TimeProvider.System, NullLogger<UpdateInstaller>.Instance);

        await Should.ThrowAsync<OperationCanceledException>(() => installer.InstallAsync(new CutOffStream(), key.HeaderValue, CancellationToken.None));

        var state = stateFile.Read();
        state.State.ShouldBe(AgentUpdateStates.Failed, "not left 'verifying' for ever: the CMS must see that the package never arrived");
        state.ToVersion.ShouldBeNull();
        state.Reason.ShouldNotBeNull().ShouldContain("cut off");
        Directory.EnumerateFiles(stateFile.Folder, "incoming-*").ShouldBeEmpty("the part received is deleted");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A request body whose client goes away after its first bytes, as Kestrel reports it (the request is aborted).</summary>
    private sealed class CutOffStream : Stream
    {
        private bool _sent;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_sent)
            {
                throw new OperationCanceledException("The request was aborted.");
            }

            _sent = true;
            buffer.Span[..16].Fill(0x1f);
            return ValueTask.FromResult(16);
        }

        public override void Flush() => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
