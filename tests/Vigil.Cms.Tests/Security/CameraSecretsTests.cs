using Microsoft.AspNetCore.DataProtection;
using Vigil.Cms.Security;
using Vigil.Cms.Storage;
using Vigil.Contracts.Agent;

namespace Vigil.Cms.Tests.Security;

public sealed class CameraSecretsTests
{
    private static readonly CameraSecrets Secrets = new(new EphemeralDataProtectionProvider());

    [Fact]
    public void Stored_camera_urls_are_encrypted_and_open_to_the_real_url()
    {
        var cameras = new[] { new CameraConfig("cam1", "Door", "rtsp://viewer:pa55@10.0.0.5/stream"), new CameraConfig("cam2", "Yard", "http://10.0.0.6/mjpeg") };

        var stored = Secrets.Seal(cameras, storedJson: null);

        stored.ShouldNotContain("pa55");
        stored.ShouldNotContain("10.0.0.6");
        Secrets.Open(Row(stored)).ShouldBe(cameras);
    }

    [Fact]
    public void An_unchanged_url_keeps_its_ciphertext_so_a_repeated_copy_writes_nothing_new()
    {
        var cameras = new[] { new CameraConfig("cam1", "Door", "rtsp://viewer:pa55@10.0.0.5/stream") };
        var first = Secrets.Seal(cameras, storedJson: null);

        Secrets.Seal(cameras, first).ShouldBe(first);
        var changed = Secrets.Seal([cameras[0] with { StreamUrl = "rtsp://viewer:n3w@10.0.0.5/stream" }], first);
        changed.ShouldNotBe(first);
        Secrets.Open(Row(changed)).Single().StreamUrl.ShouldBe("rtsp://viewer:n3w@10.0.0.5/stream");
    }

    [Fact]
    public void A_url_stored_before_encryption_is_read_as_it_is()
    {
        var legacy = """[{"id":"cam1","name":"Door","streamUrl":"rtsp://10.0.0.5/stream","recording":true,"retentionHours":0}]""";

        Secrets.Open(Row(legacy)).Single().StreamUrl.ShouldBe("rtsp://10.0.0.5/stream");
        Secrets.Seal(Secrets.Open(Row(legacy)), legacy).ShouldContain(CameraSecrets.SealedPrefix);
    }

    private static ServerRow Row(string camerasJson) => new()
    {
        Name = "s", Role = "recording", Host = "h", ProtectedCredential = "-", Serial = "1", AgentName = "s", Model = "m", AgentVersion = "1",
        SpacesJson = "[]", CamerasJson = camerasJson,
    };
}
