namespace Vigil.Cms.Agents;

/// <summary>Why a call to an agent failed, in words an operator can act on.</summary>
public sealed class AgentCallException : Exception
{
    public AgentCallException(string rule, string message, Exception? innerException = null)
        : base(message, innerException) => Rule = rule;

    public AgentCallException()
        : this("agent.unreachable", "The agent did not answer.")
    {
    }

    public AgentCallException(string message)
        : this("agent.unreachable", message)
    {
    }

    public AgentCallException(string message, Exception innerException)
        : this("agent.unreachable", message, innerException)
    {
    }

    public string Rule { get; }

    public static class Rules
    {
        public const string Unreachable = "agent.unreachable";
        public const string WrongPassword = "agent.wrong-password";
        public const string CredentialRejected = "agent.credential-rejected";
        public const string CredentialUnreadable = "agent.credential-unreadable";
        public const string CertificateChanged = "agent.certificate-changed";
        public const string NotAnAgent = "agent.not-an-agent";
        public const string Refused = "agent.refused";

        /// <summary>The recording server's space cannot hold the rest of a restored recording; nothing was written.</summary>
        public const string SpaceFull = "agent.space-full";

        /// <summary>A transfer made no progress for too long and was ended.</summary>
        public const string Stalled = "agent.transfer-stalled";

        /// <summary>The recording server cannot reach the standby to fetch footage from it: the CMS carries the bytes instead.</summary>
        public const string SourceUnreachable = "agent.source-unreachable";

        /// <summary>
        /// The CMS closed its own client of the agent during the call: the server's address, certificate or credential
        /// changed (the client is replaced) or the server was removed. It says nothing about the agent, so a probe cut
        /// this way is no miss and a takeover cut this way is tried again rather than taken for the standby's refusal.
        /// </summary>
        public const string ClientClosed = "agent.client-closed";

        /// <summary>The agent holds no takeover of the key asked about: its takeover command never arrived.</summary>
        public const string TakeoverUnknown = "agent.takeover-unknown";
    }
}
