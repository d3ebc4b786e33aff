namespace MinerWatch.Grid.Scan;

/// <summary>
/// Turns evidence points into a score a person can read. Points are log-odds: the score starts from the prior odds
/// that a site mines (1 in 55, about 1.8 %, log-odds -4) and each evidence item adds its points; the score is the
/// logistic of the total. So 0.5 means the evidence exactly outweighs the prior, +2.2 points multiply the odds by 9,
/// and a suspect needs at least 4 points of evidence.
/// </summary>
public static class ScoreModel
{
    public const double PriorLogOdds = -4.0;
    public const double SuspectThreshold = 0.5;

    public static double Score(double points) => 1 / (1 + Math.Exp(-(PriorLogOdds + points)));

    /// <summary>Strength shown with an item: the share of the way to conviction (4 points) this item goes alone.</summary>
    public static double Strength(double points) => Math.Round(Math.Clamp(points / 4, 0, 1), 3);
}
