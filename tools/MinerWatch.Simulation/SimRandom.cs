using System.Numerics;

namespace MinerWatch.Simulation;

/// <summary>Independent random streams, so that every meter's draws depend only on (seed, stream, index).</summary>
internal static class Streams
{
    public const ulong Plan = 1;
    public const ulong Weather = 2;
    public const ulong Host = 3;
    public const ulong Mining = 4;
    public const ulong Quality = 5;
    public const ulong Feeder = 6;
    /// <summary>Honest look-alikes added after the rest is planned: a stream of their own, so adding one changes no other draw.</summary>
    public const ulong Confounders = 7;
    /// <summary>Which homes of a cold climate heat with electricity.</summary>
    public const ulong Heating = 8;
}

/// <summary>
/// xoshiro256** generator. Our own, so files stay byte-identical whatever the runtime's
/// <see cref="Random"/> algorithm becomes.
/// </summary>
internal sealed class SimRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;
    private double _spare;
    private bool _hasSpare;

    public SimRandom(int seed, ulong stream, ulong index)
    {
        // Chained finalisers: nearby seeds and indices give unrelated states.
        var x = Mix((ulong)(uint)seed + 0x632BE59BD9B4E019UL);
        x = Mix(x ^ (stream * 0x9E3779B97F4A7C15UL));
        x = Mix(x ^ (index + 0x2545F4914F6CDD1DUL));
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        return Mix(x);
    }

    public ulong NextUInt64()
    {
        var result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n).</summary>
    public int Next(int n) => n <= 1 ? 0 : (int)(((NextUInt64() >> 32) * (ulong)n) >> 32);

    /// <summary>Uniform integer in [min, max] inclusive.</summary>
    public int Between(int min, int max) => min + Next(max - min + 1);

    public double Uniform(double min, double max) => min + ((max - min) * NextDouble());

    /// <summary>Log-uniform in [min, max]: sizes spread over orders of magnitude.</summary>
    public double LogUniform(double min, double max) => min * Math.Exp(Math.Log(max / min) * NextDouble());

    public bool Chance(double p) => NextDouble() < p;

    public double Normal()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spare;
        }
        double u, v, s;
        do
        {
            u = (2 * NextDouble()) - 1;
            v = (2 * NextDouble()) - 1;
            s = (u * u) + (v * v);
        }
        while (s >= 1 || s == 0);
        var f = Math.Sqrt(-2 * Math.Log(s) / s);
        _spare = v * f;
        _hasSpare = true;
        return u * f;
    }

    public double Normal(double mean, double sd) => mean + (sd * Normal());

    /// <summary>Multiplicative noise with mean 1.</summary>
    public double LogNormalFactor(double sigma) => Math.Exp((sigma * Normal()) - (0.5 * sigma * sigma));

    public double Exponential(double mean) => -mean * Math.Log(1 - NextDouble());

    public int Poisson(double lambda)
    {
        if (lambda <= 0)
            return 0;
        if (lambda > 40)
            return Math.Max(0, (int)Math.Round(Normal(lambda, Math.Sqrt(lambda))));
        var limit = Math.Exp(-lambda);
        var k = 0;
        var p = NextDouble();
        while (p > limit)
        {
            k++;
            p *= NextDouble();
        }
        return k;
    }

    public T Pick<T>(ReadOnlySpan<T> items) => items[Next(items.Length)];

    public int PickWeighted(ReadOnlySpan<double> weights)
    {
        var total = 0.0;
        foreach (var w in weights)
            total += w;
        var r = NextDouble() * total;
        for (var i = 0; i < weights.Length; i++)
        {
            r -= weights[i];
            if (r < 0)
                return i;
        }
        for (var i = weights.Length - 1; i >= 0; i--)
        {
            if (weights[i] > 0)
                return i;
        }
        return weights.Length - 1;
    }

    public void Shuffle<T>(IList<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
