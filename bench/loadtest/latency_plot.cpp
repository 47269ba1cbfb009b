#include "latency_plot.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace ac::loadtest {

namespace {

constexpr int kLeft = 70, kRight = 20, kTop = 40, kBottom = 50;

double niceCeiling(double value)
{
    if (value <= 0)
        return 1;
    const double magnitude = std::pow(10.0, std::floor(std::log10(value)));
    for (const double step : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (step * magnitude >= value)
            return step * magnitude;
    return 10 * magnitude;
}

} // namespace

QImage latencyPlot(const LoadTestReport& report, const QString& title, QSize size)
{
    QImage image(size, QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF area(kLeft, kTop, size.width() - kLeft - kRight, size.height() - kTop - kBottom);

    const auto total = report.stages.find(QStringLiteral("total"));
    const double p99 = total != report.stages.end() ? total->second.p99 : 0;
    const double yMax = niceCeiling(std::max({p99 * 1.3, report.slo.p95Ms * 1.1, 1.0}));
    const double xMax = std::max(1.0, std::ceil(report.seconds));
    auto at = [&](double seconds, double ms) {
        return QPointF(area.left() + area.width() * std::min(seconds / xMax, 1.0),
                       area.bottom() - area.height() * std::min(ms / yMax, 1.0));
    };

    p.setPen(QColor(0xdd, 0xdd, 0xdd));
    QFont small = p.font();
    small.setPointSize(9);
    p.setFont(small);
    for (int i = 0; i <= 5; ++i) {
        const double ms = yMax * i / 5;
        const QPointF left = at(0, ms);
        p.setPen(QColor(0xdd, 0xdd, 0xdd));
        p.drawLine(left, QPointF(area.right(), left.y()));
        p.setPen(Qt::black);
        p.drawText(QRectF(0, left.y() - 8, kLeft - 6, 16), Qt::AlignRight | Qt::AlignVCenter, QString::number(ms, 'g', 4));
    }
    for (int i = 0; i <= 6; ++i) {
        const double s = xMax * i / 6;
        const QPointF bottom = at(s, 0);
        p.drawText(QRectF(bottom.x() - 30, area.bottom() + 4, 60, 16), Qt::AlignCenter, QString::number(s, 'f', 0));
    }
    p.drawText(QRectF(area.left(), size.height() - 22, area.width(), 18), Qt::AlignCenter, QStringLiteral("seconds since start"));
    p.save();
    p.translate(14, area.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-100, -8, 200, 16), Qt::AlignCenter, QStringLiteral("context pack latency (ms)"));
    p.restore();

    if (report.background) {  // the window of the work run beside the load, shaded and named
        const QPointF from = at(report.background->startedAt, yMax), to = at(report.background->endedAt, 0);
        p.fillRect(QRectF(from, to), QColor(0xf6, 0xd3, 0x2d, 60));
        p.setPen(QColor(0x80, 0x60, 0x00));
        p.drawText(QRectF(from.x() + 4, from.y() + 2, std::max(200.0, to.x() - from.x()), 16), Qt::AlignLeft,
                   report.background->name);
    }
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(0x99, 0x99, 0x99, 110));
    std::vector<std::vector<double>> perSecond(static_cast<size_t>(xMax) + 1);
    for (const LoadSample& s : report.samples) {
        if (s.failed)
            continue;
        p.drawEllipse(at(s.atSeconds, s.totalMs), 1.6, 1.6);
        perSecond[static_cast<size_t>(std::clamp(s.atSeconds, 0.0, xMax))].push_back(s.totalMs);
    }
    auto line = [&](double q, const QColor& colour) {
        QPainterPath path;
        bool started = false;
        for (size_t second = 0; second < perSecond.size(); ++second) {
            if (perSecond[second].empty())
                continue;
            const Percentiles pc = percentiles(perSecond[second]);
            const QPointF point = at(static_cast<double>(second) + 0.5, q < 0.9 ? pc.p50 : pc.p95);
            started ? path.lineTo(point) : path.moveTo(point);
            started = true;
        }
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(colour, 2));
        p.drawPath(path);
    };
    line(0.5, QColor(0x1a, 0x5f, 0xb4));
    line(0.95, QColor(0xc0, 0x1c, 0x28));
    p.setPen(QPen(QColor(0xc0, 0x1c, 0x28), 1, Qt::DashLine));
    const QPointF slo = at(0, report.slo.p95Ms);
    p.drawLine(slo, QPointF(area.right(), slo.y()));
    p.setPen(QPen(QColor(0xc0, 0x1c, 0x28), 2));
    for (const LoadSample& s : report.samples)
        if (s.failed) {
            const QPointF x = at(s.atSeconds, yMax);
            p.drawLine(x + QPointF(-4, -4), x + QPointF(4, 4));
            p.drawLine(x + QPointF(-4, 4), x + QPointF(4, -4));
        }

    p.setPen(Qt::black);
    p.setBrush(Qt::NoBrush);
    p.drawRect(area);
    QFont bold = p.font();
    bold.setPointSize(11);
    bold.setBold(true);
    p.setFont(bold);
    p.drawText(QRectF(kLeft, 4, area.width(), 18), Qt::AlignLeft, title);
    p.setFont(small);
    p.drawText(QRectF(kLeft, 22, area.width(), 16), Qt::AlignLeft,
               QStringLiteral("%1 clients · %2 QPS · p50 %3 / p95 %4 / p99 %5 ms · %6 errors · blue p50, red p95 per second, "
                              "dashed: p95 SLO %7 ms")
                   .arg(report.clients)
                   .arg(report.qps, 0, 'f', 1)
                   .arg(total != report.stages.end() ? total->second.p50 : 0, 0, 'f', 1)
                   .arg(total != report.stages.end() ? total->second.p95 : 0, 0, 'f', 1)
                   .arg(p99, 0, 'f', 1)
                   .arg(report.errors)
                   .arg(report.slo.p95Ms));
    return image;
}

} // namespace ac::loadtest
