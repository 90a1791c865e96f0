import {Badge, Banner, BlockStack, Button, Card, Checkbox, FormLayout, InlineStack, Select, SkeletonBodyText, Text, TextField} from '@shopify/polaris';
import {useEffect, useState} from 'react';
import {bundleDiscountSchema} from '../../domain/bundle-discount';
import type {BundleDiscountSettings, BundleDiscountStatus, BundleDiscountView} from '../../domain/bundle-discount';
import {fieldErrors} from '../../domain/settings';
import {api} from '../api/client';
import {useApi} from '../api/useApi';
import {useSave} from '../api/useSave';
import {ErrorBanner} from './Loading';
import {t} from '../i18n/t';

/** What the merchant types: numbers stay text until saved, so a half-typed value is not lost. */
interface Form {
  enabled: boolean;
  percentage: string;
  scope: BundleDiscountSettings['scope'];
  minimumItems: string;
  message: string;
  combinesWith: BundleDiscountSettings['combinesWith'];
}
type Field = 'percentage' | 'scope' | 'minimumItems' | 'message';

const toForm = (s: BundleDiscountSettings): Form => ({...s, percentage: String(s.percentage), minimumItems: String(s.minimumItems)});
const number = (s: string) => (s.trim() === '' ? Number.NaN : Number(s));
const toSettings = (f: Form) => ({...f, percentage: number(f.percentage), minimumItems: number(f.minimumItems)});

const TONES: Record<BundleDiscountStatus, 'success' | 'info' | 'critical' | undefined> = {
  none: undefined, active: 'success', scheduled: 'info', expired: undefined, deleted: 'critical',
};

/**
 * Settings' "Bundle discount" card: the merchant's percentage off products bought together, saved as one
 * automatic app discount on Shopify (PUT /api/bundle-discount), with its state as Shopify reports it.
 */
export function BundleDiscountCard() {
  const loaded = useApi<BundleDiscountView>('/bundle-discount');
  const [view, setView] = useState<BundleDiscountView | null>(null);
  const [form, setForm] = useState<Form | null>(null);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const {saving, saveError, clearError, run} = useSave();

  useEffect(() => {
    if (loaded.data) {
      setView(loaded.data);
      setForm(toForm(loaded.data.settings));
    }
  }, [loaded.data]);

  if (loaded.error) return <Card><ErrorBanner error={loaded.error} onRetry={loaded.reload} /></Card>;
  if (!form || !view) return <Card><SkeletonBodyText lines={4} /></Card>;

  const set = <K extends keyof Form>(key: K) => (value: Form[K]) => {
    setForm({...form, [key]: value});
    setErrors({...errors, [key]: undefined});
  };
  const save = async () => {
    clearError();
    const checked = bundleDiscountSchema.safeParse(toSettings(form));
    if (!checked.success) {
      setErrors(Object.fromEntries(Object.keys(fieldErrors(checked.error)).map((k) => [k, t(`bundleDiscount.errors.${k}`)])));
      return;
    }
    await run(
      () => api<BundleDiscountView>('/bundle-discount', {method: 'PUT', body: checked.data}),
      (saved) => {
        setView(saved);
        setForm(toForm(saved.settings));
        shopify.toast.show(t('bundleDiscount.saved'));
      },
      (fields) => setErrors(Object.fromEntries(fields.map((k) => [k, t(`bundleDiscount.errors.${k}`)]))),
    );
  };
  const text = (name: 'percentage' | 'minimumItems' | 'message', extra: {type?: 'number' | 'text'; suffix?: string} = {}) => (
    <TextField
      label={t(`bundleDiscount.fields.${name}.label`)}
      helpText={t(`bundleDiscount.fields.${name}.help`)}
      value={form[name]}
      onChange={set(name)}
      error={errors[name]}
      autoComplete="off"
      type={extra.type ?? 'number'}
      suffix={extra.suffix}
      name={`bundleDiscount.${name}`}
    />
  );
  const combine = (key: keyof Form['combinesWith']) => (
    <Checkbox
      label={t(`bundleDiscount.combinesWith.${key}`)}
      checked={form.combinesWith[key]}
      onChange={(checked) => setForm({...form, combinesWith: {...form.combinesWith, [key]: checked}})}
    />
  );

  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack gap="200" blockAlign="center">
          <Text as="p" variant="bodyMd">{t('bundleDiscount.statusLabel')}</Text>
          <Badge tone={TONES[view.status]}>{t(`bundleDiscount.status.${view.status}`)}</Badge>
        </InlineStack>
        {view.status === 'deleted' && <Banner tone="warning" title={t('bundleDiscount.deleted')} />}
        {saveError && <Banner tone="critical" title={t('errors.saveFailed')}><p>{saveError}</p></Banner>}
        <FormLayout>
          <Checkbox label={t('bundleDiscount.fields.enabled.label')} helpText={t('bundleDiscount.fields.enabled.help')} checked={form.enabled} onChange={set('enabled')} />
          <FormLayout.Group>
            {text('percentage', {suffix: '%'})}
            {text('minimumItems')}
          </FormLayout.Group>
          <Select
            label={t('bundleDiscount.fields.scope.label')}
            options={(['companions', 'bundle'] as const).map((v) => ({label: t(`bundleDiscount.scopes.${v}`), value: v}))}
            value={form.scope}
            onChange={(v) => set('scope')(v as Form['scope'])}
            error={errors.scope}
            name="bundleDiscount.scope"
          />
          {text('message', {type: 'text'})}
          <BlockStack gap="100">
            <Text as="p" variant="bodyMd">{t('bundleDiscount.combinesWith.label')}</Text>
            {combine('productDiscounts')}
            {combine('orderDiscounts')}
            {combine('shippingDiscounts')}
          </BlockStack>
        </FormLayout>
        <InlineStack align="end">
          <Button variant="primary" onClick={() => void save()} loading={saving}>
            {t(`bundleDiscount.${view.status === 'deleted' ? 'recreate' : view.status === 'none' ? 'create' : 'update'}`)}
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
