namespace MinerWatch.Grid;

/// <summary>The declared business use of a metered site, as the utility records it.</summary>
public enum CustomerClass
{
    Residential,
    Commercial,
    Industrial,
    EvCharging,
    DataCenter,
    Agricultural,
    /// <summary>State-owned units, schools, government computer rooms.</summary>
    Public,
    Other,
}

public static class CustomerClassNames
{
    /// <summary>The names used in the sites file, in enum order.</summary>
    public static readonly string[] Names =
        ["residential", "commercial", "industrial", "ev_charging", "data_center", "agricultural", "public", "other"];

    public static string ToName(this CustomerClass value) => Names[(int)value];

    public static bool TryParse(ReadOnlySpan<char> text, out CustomerClass value)
    {
        for (var i = 0; i < Names.Length; i++)
        {
            if (text.Equals(Names[i], StringComparison.OrdinalIgnoreCase))
            {
                value = (CustomerClass)i;
                return true;
            }
        }
        value = default;
        return false;
    }
}
