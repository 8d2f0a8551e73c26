namespace Vigil.Contracts.Cms;

public sealed record LoginRequest(string User, string Password);

/// <param name="Token">A bearer token for <c>Authorization: Bearer</c>.</param>
public sealed record LoginResponse(string Token, DateTimeOffset ExpiresAt, string User, bool IsFirstAdmin);

/// <summary>The first admin's name and password, given again to confirm removing a standby or deleting a group.</summary>
public sealed record ReauthenticationRequest(string User, string Password);

/// <summary>Until when the caller's session may remove standbys and delete groups.</summary>
public sealed record ReauthenticationResponse(DateTimeOffset ValidUntil);

/// <summary>Who the web console is signed in as; the token itself stays in the HttpOnly cookie.</summary>
public sealed record ConsoleSessionView(string User, bool IsFirstAdmin, DateTimeOffset ExpiresAt);
