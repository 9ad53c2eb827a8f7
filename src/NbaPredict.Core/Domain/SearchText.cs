using System.Globalization;
using System.Text;

namespace NbaPredict.Core.Domain;

public static class SearchText
{
    /// <summary>Folds case and strips diacritics so "Jokic" and "Jokić" compare equal.</summary>
    public static string Normalize(string text)
    {
        var decomposed = text.Trim().Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        // Letters such as 'đ' and 'ł' have no decomposition; map the common ones in NBA names by hand.
        return builder.ToString().Normalize(NormalizationForm.FormC)
            .Replace('đ', 'd').Replace('ł', 'l').Replace('ø', 'o').Replace('ı', 'i');
    }
}
