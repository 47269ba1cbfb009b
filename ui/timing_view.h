#pragma once

#include "console_types.h"

#include <QTableWidget>

namespace ac::ui {

// Where the time of one question went: context stages, retrieval stages, and the round trip.
class TimingView : public QTableWidget {
    Q_OBJECT
public:
    explicit TimingView(QWidget* parent = nullptr);
    void showTimings(const AskAnswer& answer);
    QStringList stages() const;
};

} // namespace ac::ui
