import {Banner, BlockStack, Card, Layout, SkeletonBodyText, SkeletonDisplayText, SkeletonPage} from '@shopify/polaris';
import type {ApiError} from '../api/client';
import {t} from '../i18n/t';

/** What a page shows while its first answer is on the way. */
export function PageSkeleton({title}: {title: string}) {
  return (
    <SkeletonPage title={title} primaryAction>
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <SkeletonDisplayText size="small" />
              <SkeletonBodyText lines={4} />
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </SkeletonPage>
  );
}

/** A failed load, in words, with a way to try again. */
export function ErrorBanner({error, onRetry}: {error: ApiError; onRetry?: () => void}) {
  return (
    <Banner tone="critical" title={t('errors.loadFailed')} action={onRetry ? {content: t('errors.retry'), onAction: onRetry} : undefined}>
      <p>{error.status === 401 ? t('errors.unauthorized') : error.message}</p>
    </Banner>
  );
}
