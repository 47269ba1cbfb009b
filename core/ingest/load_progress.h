#pragma once

#include <QElapsedTimer>
#include <QString>

#include <functional>

namespace ac::ingest {

// Where a long load stands, for the CLI progress bar and the GUI.
struct LoadProgress {
    QString phase;        // "embed+write", "re-embed", "index"
    qint64 done = 0;      // chunks (or blocks, for an index build)
    qint64 total = 0;
    double elapsedSec = 0.0;
    double ratePerSec = 0.0;
    double etaSec = -1.0;  // unknown until something is done
};

using ProgressFn = std::function<void(const LoadProgress&)>;

// Turns counts into a LoadProgress with rate and ETA measured from construction.
class ProgressMeter {
public:
    ProgressMeter(QString phase, qint64 total) : phase_(std::move(phase)), total_(total) { timer_.start(); }

    LoadProgress at(qint64 done) const { return at(done, total_); }
    // For work whose total is learnt as it goes (an index build reports tuples, then blocks).
    LoadProgress at(qint64 done, qint64 total) const
    {
        LoadProgress p{phase_, done, total, timer_.nsecsElapsed() / 1e9, 0.0, -1.0};
        if (p.elapsedSec > 0 && done > 0) {
            p.ratePerSec = done / p.elapsedSec;
            p.etaSec = (total - done) / p.ratePerSec;
        }
        return p;
    }

private:
    QString phase_;
    qint64 total_;
    QElapsedTimer timer_;
};

} // namespace ac::ingest
