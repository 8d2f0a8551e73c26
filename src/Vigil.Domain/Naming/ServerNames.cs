using System.Globalization;
using System.Text;

namespace Vigil.Domain.Naming;

/// <summary>
/// The display-name rules (docs/product-rules.md): 1 to 32 characters as a person counts them (text elements,
/// not UTF-16 units), none of the excluded symbols, not starting with '-' or a space, not ending with
/// a space, unique within the CMS (case sensitive). '-' is allowed except as the first character:
/// the seed lists it among the excluded symbols yet its own "Model-No." rule makes names with it.
/// Control characters are refused too: they cannot be seen or typed in a console.
/// </summary>
public static class ServerNames
{
    public const int MaxLength = 32;

    /// <summary>The symbols a server name may not contain.</summary>
    public const string ForbiddenSymbols = "~`!@#$%^&*()_=+[{]}\\|;:'\"<>/?";

    public static class Rules
    {
        public const string Empty = "server-name.empty";
        public const string TooLong = "server-name.too-long";
        public const string ControlCharacter = "server-name.control-character";
        public const string InvalidUnicode = "server-name.invalid-unicode";
        public const string ForbiddenSymbol = "server-name.forbidden-symbol";
        public const string LeadingMinus = "server-name.leading-minus";
        public const string LeadingSpace = "server-name.leading-space";
        public const string TrailingSpace = "server-name.trailing-space";
        public const string Duplicate = "server-name.duplicate";
    }

    /// <summary>
    /// The form a name is stored and compared in (Unicode NFC), so that two names that look the
    /// same are the same name. Text that is not well-formed UTF-16 is returned as it is (and refused by
    /// <see cref="Validate(string?)"/>).
    /// </summary>
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return IsWellFormed(name) ? name.Normalize(NormalizationForm.FormC) : name;
    }

    /// <summary>Whether every surrogate in <paramref name="text"/> is half of a pair.</summary>
    public static bool IsWellFormed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Number of characters in <paramref name="name"/> as a person sees them.</summary>
    public static int LengthOf(string name) => new StringInfo(Normalize(name)).LengthInTextElements;

    /// <summary>Checks the form of a name, not its uniqueness.</summary>
    public static Decision Validate(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return Decision.Refuse(Rules.Empty, "A server name needs at least 1 character.");
        }

        if (!IsWellFormed(name))
        {
            return Decision.Refuse(Rules.InvalidUnicode, "A server name must be valid Unicode text.");
        }

        var elements = TextElements(Normalize(name));
        if (elements.Count > MaxLength)
        {
            return Decision.Refuse(Rules.TooLong,
                $"A server name has at most {MaxLength} characters; this one has {elements.Count}.");
        }

        for (var i = 0; i < elements.Count; i++)
        {
            var element = elements[i];
            if (element.Any(char.IsControl))
            {
                return Decision.Refuse(Rules.ControlCharacter,
                    $"A server name cannot contain control characters (character {i + 1}).");
            }

            var symbol = element.FirstOrDefault(ForbiddenSymbols.Contains);
            if (symbol != default)
            {
                return Decision.Refuse(Rules.ForbiddenSymbol,
                    $"A server name cannot contain '{symbol}' (character {i + 1}); excluded symbols: {ForbiddenSymbols}");
            }
        }

        if (elements[0].StartsWith('-'))
        {
            return Decision.Refuse(Rules.LeadingMinus, "A server name cannot start with '-'.");
        }

        if (IsSpace(elements[0]))
        {
            return Decision.Refuse(Rules.LeadingSpace, "A server name cannot start with a space.");
        }

        if (IsSpace(elements[^1]))
        {
            return Decision.Refuse(Rules.TrailingSpace, "A server name cannot end with a space.");
        }

        return Decision.Allowed;
    }

    /// <summary>Checks the form of a name and that no other server already has it.</summary>
    public static Decision Validate(string? name, IEnumerable<string> namesInUse)
    {
        ArgumentNullException.ThrowIfNull(namesInUse);
        var form = Validate(name);
        if (!form.IsAllowed)
        {
            return form;
        }

        var normalized = Normalize(name!);
        return namesInUse.Any(used => string.Equals(Normalize(used), normalized, StringComparison.Ordinal))
            ? Decision.Refuse(Rules.Duplicate, $"Another server is already named '{normalized}'.")
            : Decision.Allowed;
    }

    private static bool IsSpace(string element) => element.Length > 0 && char.IsWhiteSpace(element[0]);

    private static List<string> TextElements(string text)
    {
        var elements = new List<string>();
        var enumerator = StringInfo.GetTextElementEnumerator(text);
        while (enumerator.MoveNext())
        {
            elements.Add(enumerator.GetTextElement());
        }

        return elements;
    }
}
