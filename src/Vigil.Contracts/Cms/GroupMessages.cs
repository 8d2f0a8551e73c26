namespace Vigil.Contracts.Cms;

public sealed record GroupRequest(string Name);

public sealed record ProtectionRequest(bool Enabled);

public sealed record GroupView(int Id, string Name, bool ProtectionEnabled, bool IsDefault, int RecordingServers, int StandbyServers);

public sealed record GroupList(IReadOnlyList<GroupView> Groups);
