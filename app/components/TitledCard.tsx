import type {BlockStackProps} from '@shopify/polaris';
import {BlockStack, Card, Text} from '@shopify/polaris';
import type {ReactNode} from 'react';

/** A Polaris card with an h2 heading over its content: the one card shape every admin page uses. */
export function TitledCard({title, gap = '300', children}: {title: ReactNode; gap?: BlockStackProps['gap']; children: ReactNode}) {
  return (
    <Card>
      <BlockStack gap={gap}>
        <Text as="h2" variant="headingMd">{title}</Text>
        {children}
      </BlockStack>
    </Card>
  );
}
