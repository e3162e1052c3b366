import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { AppProviders, AppRoutes } from './app.js';
import { createAppServices } from './app-services.js';
import './styles.css';

const services = createAppServices({ storages: { persistent: localStorage, tab: sessionStorage } });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AppProviders services={services}>
      <BrowserRouter>
        <AppRoutes />
      </BrowserRouter>
    </AppProviders>
  </StrictMode>,
);
