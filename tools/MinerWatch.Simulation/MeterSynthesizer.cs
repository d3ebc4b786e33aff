using System.Buffers;
using System.Text;
using MinerWatch.Grid;

namespace MinerWatch.Simulation;

/// <summary>One meter's generated output; the pooled arrays go back once written.</summary>
internal sealed class MeterResult
{
    public required SiteSpec Site { get; init; }

    /// <summary>True consumption (kW) per base step, including bypassed load: what its feeder sees.</summary>
    public required double[] TrueKw { get; init; }

    public required byte[] Readings { get; init; }
    public required int ReadingsLength { get; init; }
    public required long Rows { get; init; }
    public double[]? Declared { get; init; }

    public void Release()
    {
        ArrayPool<double>.Shared.Return(TrueKw);
        ArrayPool<byte>.Shared.Return(Readings);
    }
}

/// <summary>
/// Turns a planned site into its true load, its metered readings (with the export defects real
/// meter data has) and, for EV stations and data centres, the declared daily activity.
/// </summary>
internal sealed class MeterSynthesizer
{
    private readonly RegionalClimate _climate;
    private readonly int _seed;
    private readonly int _stepsPerInterval;
    private readonly int _intervals;
    private readonly double _intervalHours;
    private readonly byte[] _stamps;

    public MeterSynthesizer(RegionalClimate climate, SimulationOptions options, byte[] stamps)
    {
        _climate = climate;
        _seed = options.Seed;
        _intervalHours = options.Interval.TotalHours;
        _stepsPerInterval = Math.Max(1, (int)Math.Round(_intervalHours / climate.StepHours));
        _intervals = climate.Steps / _stepsPerInterval;
        _stamps = stamps;
    }

    public MeterResult Generate(SiteSpec site)
    {
        var c = _climate;
        var n = c.Steps;
        var index = (ulong)site.Index;
        var doubles = ArrayPool<double>.Shared;
        var host = doubles.Rent(n);
        var hostKw = host.AsSpan(0, n);
        hostKw.Clear();
        var rng = new SimRandom(_seed, Streams.Host, index);
        double[]? declared = site.Class is CustomerClass.EvCharging or CustomerClass.DataCenter ? new double[c.Days] : null;
        switch (site.Kind)
        {
            case SiteKind.Home:
                HouseholdLoad.Fill(site, c, rng, hostKw);
                break;
            case SiteKind.FactoryDayShift or SiteKind.FactoryTwoShift or SiteKind.FactoryThreeShift
                or SiteKind.ContinuousProcess or SiteKind.ColdStorage:
                IndustryLoad.Fill(site, c, rng, hostKw);
                break;
            case SiteKind.EvStation:
                EnergyServiceLoad.EvStation(site, c, rng, hostKw, declared!);
                break;
            case SiteKind.DataCentre:
                EnergyServiceLoad.DataCentre(site, c, rng, hostKw, declared!);
                break;
            case SiteKind.Irrigation or SiteKind.FishPond or SiteKind.Livestock:
                FarmLoad.Fill(site, c, rng, hostKw);
                break;
            case SiteKind.Hospital or SiteKind.WaterWorks or SiteKind.TelecomSite or SiteKind.StreetLighting:
                AlwaysOnLoad.Fill(site, c, rng, hostKw);
                break;
            default:
                BusinessLoad.Fill(site, c, rng, hostKw);
                break;
        }

        double[]? mining = null;
        var m = site.Mining;
        if (m is not null)
        {
            mining = doubles.Rent(n);
            mining.AsSpan(0, n).Clear();
            MiningLoad.Fill(site, c, new SimRandom(_seed, Streams.Mining, index), mining.AsSpan(0, n));
        }

        var q = new SimRandom(_seed, Streams.Quality, index);
        var steps = c.StepsPerDay;
        // Connections and disconnections during the period (not for activity reporters).
        var serviceFrom = 0;
        var serviceTo = n;
        if (m is null && declared is null)
        {
            if (q.Chance(0.015))
                serviceFrom = (int)(c.Days * q.Uniform(0.1, 0.8)) * steps;
            if (q.Chance(0.01))
                serviceTo = Math.Max(serviceFrom + steps, (int)(c.Days * q.Uniform(0.3, 0.95)) * steps);
        }
        else if (m is { OnsetDay: > 0 } && declared is null && q.Chance(0.15))
        {
            // Premises rented and connected just for the farm; behind a bypass the new meter records the site's own
            // load while the feeder's loss rises with the miners.
            serviceFrom = m.OnsetDay * steps;
        }
        var bypassFrom = m is { Variant: MiningVariant.Bypass } ? Math.Max(0, m.OnsetDay * steps) : int.MaxValue;
        var keep = 1 - (m?.MovedShare ?? 0);
        var bias = 1 + q.Normal(0, 0.003); // meter accuracy class

        var trueKw = doubles.Rent(n);
        var kwh = doubles.Rent(_intervals);
        var dt = c.StepHours;
        for (var k = 0; k < _intervals; k++)
        {
            var sum = 0.0;
            for (var j = k * _stepsPerInterval; j < (k + 1) * _stepsPerInterval; j++)
            {
                if (j < serviceFrom || j >= serviceTo)
                {
                    trueKw[j] = 0;
                    continue;
                }
                var hidden = mining is null ? 0 : mining[j];
                trueKw[j] = host[j] + hidden;
                // A bypass keeps the miners (and maybe part of the site) off the customer meter.
                sum += j >= bypassFrom ? host[j] * keep : host[j] + hidden;
            }
            kwh[k] = Math.Max(0, sum * dt * bias);
        }
        doubles.Return(host);
        if (mining is not null)
            doubles.Return(mining);

        var omit = new bool[_intervals];
        var firstInterval = serviceFrom / _stepsPerInterval;
        var endInterval = (serviceTo + _stepsPerInterval - 1) / _stepsPerInterval;
        AddDefects(q, kwh, omit, firstInterval, endInterval);

        var id = Encoding.ASCII.GetBytes(site.MeterId);
        var rowMax = id.Length + 1 + Utf8Format.TimestampLength + 1 + 24 + 1;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, (endInterval - firstInterval) * rowMax));
        var pos = 0;
        long rows = 0;
        for (var k = firstInterval; k < endInterval; k++)
        {
            if (omit[k])
                continue;
            id.CopyTo(buffer.AsSpan(pos));
            pos += id.Length;
            buffer[pos++] = (byte)',';
            _stamps.AsSpan(k * Utf8Format.TimestampLength, Utf8Format.TimestampLength).CopyTo(buffer.AsSpan(pos));
            pos += Utf8Format.TimestampLength;
            buffer[pos++] = (byte)',';
            pos += Utf8Format.Fixed(buffer.AsSpan(pos), kwh[k], 3);
            buffer[pos++] = (byte)'\n';
            rows++;
        }
        doubles.Return(kwh);
        return new MeterResult
        {
            Site = site,
            TrueKw = trueKw,
            Readings = buffer,
            ReadingsLength = pos,
            Rows = rows,
            Declared = declared,
        };
    }

    /// <summary>Export defects: missing stretches, stuck or zero registers, and spikes.</summary>
    private void AddDefects(SimRandom q, double[] kwh, bool[] omit, int first, int end)
    {
        var span = end - first;
        if (span <= 1)
            return;
        if (q.Chance(0.02))
        {
            var gaps = q.Between(1, 3);
            for (var g = 0; g < gaps; g++)
            {
                var length = Math.Max(1, (int)Math.Round(q.LogUniform(2, 21 * 24) / _intervalHours));
                var from = first + q.Next(span);
                for (var k = from; k < Math.Min(end, from + length); k++)
                    omit[k] = true;
            }
        }
        if (q.Chance(0.006))
        {
            var length = Math.Max(1, (int)Math.Round(q.Uniform(1, 30) * 24 / _intervalHours));
            var from = first + q.Next(span);
            var to = Math.Min(end, from + length);
            if (q.Chance(0.6))
            {
                // Communication fault: zeros, sometimes followed by the register catching up.
                var missed = 0.0;
                for (var k = from; k < to; k++)
                {
                    missed += kwh[k];
                    kwh[k] = 0;
                }
                if (to < end && q.Chance(0.5))
                    kwh[to] += missed;
            }
            else
            {
                var stuck = from > first ? kwh[from - 1] : kwh[from];
                for (var k = from; k < to; k++)
                    kwh[k] = stuck;
            }
        }
        if (q.Chance(0.01))
        {
            var spikes = q.Between(1, 5);
            for (var s = 0; s < spikes; s++)
            {
                var k = first + q.Next(span);
                kwh[k] = (kwh[k] + 0.1) * q.Uniform(8, 60);
            }
        }
    }
}
