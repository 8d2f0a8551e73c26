namespace Vigil.Contracts.Cms;

public sealed record LoginRequest(string User, string Password);

/// <param name="Token">A bearer token for <c>Authorization: Bearer</c>.</param>
/// <param name="Role">One of <see cref="UserRoles"/>: what the session may do.</param>
public sealed record LoginResponse(string Token, DateTimeOffset ExpiresAt, string User, bool IsFirstAdmin, string Role);

/// <summary>The first admin's name and password, given again to confirm an action that stops a failover or discards footage.</summary>
public sealed record ReauthenticationRequest(string User, string Password);

/// <summary>Until when the caller's session may carry out actions that need the first admin's confirmation.</summary>
public sealed record ReauthenticationResponse(DateTimeOffset ValidUntil);

/// <summary>Who the web console is signed in as; the token itself stays in the HttpOnly cookie.</summary>
public sealed record ConsoleSessionView(string User, bool IsFirstAdmin, DateTimeOffset ExpiresAt, string Role);

/// <summary>
/// A user changes their own password: every session of theirs ends, and the answer is a new
/// <see cref="LoginResponse"/> for the caller (the console's cookie is replaced too).
/// </summary>
public sealed record PasswordChangeRequest(string CurrentPassword, string NewPassword);
