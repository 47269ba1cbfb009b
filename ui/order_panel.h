#pragma once

#include "agent/context_pack.h"

#include <QTextBrowser>

namespace ac::ui {

// The orders named in the message: status, items, dates and refund state.
class OrderPanel : public QTextBrowser {
    Q_OBJECT
public:
    explicit OrderPanel(QWidget* parent = nullptr);

    void showOrders(const std::vector<agent::OrderFacts>& orders, const QStringList& unknownOrders);
    void clearOrders(const QString& placeholder = {});
};

} // namespace ac::ui
