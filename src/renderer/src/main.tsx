import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import './styles.css';
// The rules of each screen and component, next to it, in the order they had in styles.css: a
// screen importing its own file would put its rules before styles.css (App is imported first), and
// for rules of equal specificity the later one wins.
import './components/notice-banner.css';
import './screens/sell.css';
import './components/cart-panel.css';
import './components/modal.css';
import './screens/pay/pay.css';
import './screens/pay/attempt.css';
import './components/receipt-view.css';
import './screens/orders.css';
import './components/header-sandbox.css';
import './screens/settings/settings.css';
import './components/startup-error.css';
import './components/receipt-print.css';
import './screens/attention.css';
import './screens/manage.css';
import './components/refund-dialog.css';
import './screens/people.css';
import './components/header.css';
import './screens/pay/cash-form.css';
import './components/server-lost.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
