import {AppProvider} from '@shopify/polaris';
import polarisEn from '@shopify/polaris/locales/en.json';
import {PolarisVizProvider} from '@shopify/polaris-viz';
import type {ReactElement} from 'react';
import {t} from './i18n/t';
import {Analytics} from './pages/Analytics';
import {Bundles} from './pages/Bundles';
import {DataRequests} from './pages/DataRequests';
import {Home} from './pages/Home';
import {Insights} from './pages/Insights';
import {Recommendations} from './pages/Recommendations';
import {Settings} from './pages/Settings';
import {useAppPath} from './router';
import type {AppPath} from './router';

const PAGES: Record<AppPath, () => ReactElement> = {
  '/': Home,
  '/recommendations': Recommendations,
  '/bundles': Bundles,
  '/insights': Insights,
  '/analytics': Analytics,
  '/settings': Settings,
  '/data-requests': DataRequests,
};

/** Polaris and polaris-viz around the current page; the admin's sidebar entries come from `ui-nav-menu`. */
export function App() {
  const path = useAppPath();
  const Page = PAGES[path];
  return (
    <AppProvider i18n={polarisEn}>
      <PolarisVizProvider>
        <ui-nav-menu>
          <a href="/" rel="home">{t('nav.home')}</a>
          <a href="/recommendations">{t('nav.recommendations')}</a>
          <a href="/bundles">{t('nav.bundles')}</a>
          <a href="/insights">{t('nav.insights')}</a>
          <a href="/analytics">{t('nav.analytics')}</a>
          <a href="/settings">{t('nav.settings')}</a>
          <a href="/data-requests">{t('nav.dataRequests')}</a>
        </ui-nav-menu>
        <Page key={path} />
      </PolarisVizProvider>
    </AppProvider>
  );
}
