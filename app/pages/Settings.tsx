import {Banner, BlockStack, Card, FormLayout, Layout, Page, Select, Text, TextField} from '@shopify/polaris';
import {useEffect, useState} from 'react';
import {fieldErrors, settingsPatchSchema} from '../../domain/settings';
import {api} from '../api/client';
import type {Settings as SettingsValues} from '../api/types';
import {useApi} from '../api/useApi';
import {useSave} from '../api/useSave';
import {BundleDiscountCard} from '../components/BundleDiscountCard';
import {ErrorBanner, PageSkeleton} from '../components/Loading';
import {t} from '../i18n/t';

/** The form's fields: what the merchant types, before it becomes numbers and lists. */
interface Form {
  maxItems: string;
  minConfidence: string;
  minLift: string;
  upsellPriceRatio: string;
  holdoutShare: string;
  excludeTags: string;
  excludeTypes: string;
  excludeVendors: string;
  retrainSchedule: string;
  retentionDays: string;
}
type Field = keyof Form;

const percent = (x: number) => String(Math.round(x * 1000) / 10);
const list = (xs: string[]) => xs.join(', ');
const number = (s: string) => (s.trim() === '' ? Number.NaN : Number(s));
const names = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

function toForm(s: SettingsValues): Form {
  return {
    maxItems: String(s.maxItems),
    minConfidence: percent(s.minConfidence),
    minLift: String(s.minLift),
    upsellPriceRatio: String(s.upsellPriceRatio),
    holdoutShare: percent(s.holdoutShare),
    excludeTags: list(s.excludeTags),
    excludeTypes: list(s.excludeTypes),
    excludeVendors: list(s.excludeVendors),
    retrainSchedule: s.retrainSchedule,
    retentionDays: String(s.retentionDays),
  };
}

function toPatch(f: Form): Record<Field, unknown> {
  return {
    maxItems: number(f.maxItems),
    minConfidence: number(f.minConfidence) / 100,
    minLift: number(f.minLift),
    upsellPriceRatio: number(f.upsellPriceRatio),
    holdoutShare: number(f.holdoutShare) / 100,
    excludeTags: names(f.excludeTags),
    excludeTypes: names(f.excludeTypes),
    excludeVendors: names(f.excludeVendors),
    retrainSchedule: f.retrainSchedule,
    retentionDays: number(f.retentionDays),
  };
}

/**
 * Checked here with the server's own schema, so a mistake shows at its field before anything is sent; the
 * server checks again and its field errors land in the same places.
 */
function validate(f: Form): Partial<Record<Field, string>> {
  const result = settingsPatchSchema.safeParse(toPatch(f));
  if (result.success) return {};
  return Object.fromEntries(Object.keys(fieldErrors(result.error)).map((k) => [k, t(`settings.errors.${k}`)]));
}

/** Block defaults, retraining and retention. */
export function Settings() {
  const loaded = useApi<{settings: SettingsValues}>('/settings');
  const [form, setForm] = useState<Form | null>(null);
  const [saved, setSaved] = useState<Form | null>(null);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const {saving, saveError, clearError, run} = useSave();

  useEffect(() => {
    if (loaded.data) {
      setForm(toForm(loaded.data.settings));
      setSaved(toForm(loaded.data.settings));
    }
  }, [loaded.data]);

  if (loaded.error) return <Page title={t('settings.title')}><ErrorBanner error={loaded.error} onRetry={loaded.reload} /></Page>;
  if (!form || !saved) return <PageSkeleton title={t('settings.title')} />;

  const dirty = JSON.stringify(form) !== JSON.stringify(saved);
  const set = (field: Field) => (value: string) => {
    setForm({...form, [field]: value});
    setErrors({...errors, [field]: undefined});
  };
  const save = async () => {
    clearError();
    const found = validate(form);
    setErrors(found);
    if (Object.keys(found).length) return;
    await run(
      () => api<{settings: SettingsValues}>('/settings', {method: 'PUT', body: toPatch(form)}),
      ({settings}) => {
        setForm(toForm(settings));
        setSaved(toForm(settings));
        shopify.toast.show(t('settings.saved'));
      },
      (fields) => setErrors(Object.fromEntries(fields.map((k) => [k, t(`settings.errors.${k}`)]))),
    );
  };

  const field = (name: Field, extra: {type?: 'number' | 'text'; suffix?: string; step?: number} = {}) => (
    <TextField
      label={t(`settings.fields.${name}.label`)}
      helpText={t(`settings.fields.${name}.help`)}
      value={form[name]}
      onChange={set(name)}
      error={errors[name]}
      autoComplete="off"
      type={extra.type ?? 'number'}
      suffix={extra.suffix}
      step={extra.step}
      name={name}
    />
  );
  const errorCount = Object.values(errors).filter(Boolean).length;

  return (
    <Page
      title={t('settings.title')}
      primaryAction={{content: t('settings.save'), onAction: () => void save(), loading: saving, disabled: !dirty}}
      secondaryActions={[{content: t('settings.discard'), onAction: () => {setForm(saved); setErrors({});}, disabled: !dirty}]}
    >
      <Layout>
        {errorCount > 0 && (
          <Layout.Section><Banner tone="critical" title={t('settings.invalid', {count: errorCount})} /></Layout.Section>
        )}
        {saveError && <Layout.Section><Banner tone="critical" title={t('errors.saveFailed')}><p>{saveError}</p></Banner></Layout.Section>}
        <Layout.AnnotatedSection title={t('settings.sections.block.title')} description={t('settings.sections.block.description')}>
          <Card>
            <FormLayout>
              <FormLayout.Group>
                {field('maxItems', {step: 1})}
                {field('upsellPriceRatio', {step: 0.05, suffix: '×'})}
              </FormLayout.Group>
              <FormLayout.Group>
                {field('minConfidence', {step: 1, suffix: '%'})}
                {field('minLift', {step: 0.1, suffix: '×'})}
              </FormLayout.Group>
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title={t('settings.sections.exclude.title')} description={t('settings.sections.exclude.description')}>
          <Card>
            <FormLayout>
              {field('excludeTags', {type: 'text'})}
              {field('excludeTypes', {type: 'text'})}
              {field('excludeVendors', {type: 'text'})}
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title={t('settings.sections.measure.title')} description={t('settings.sections.measure.description')}>
          <Card>{field('holdoutShare', {step: 1, suffix: '%'})}</Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title={t('bundleDiscount.title')} description={t('bundleDiscount.description')}>
          <BundleDiscountCard />
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title={t('settings.sections.data.title')} description={t('settings.sections.data.description')}>
          <Card>
            <FormLayout>
              <Select
                label={t('settings.fields.retrainSchedule.label')}
                helpText={t('settings.fields.retrainSchedule.help')}
                options={['manual', 'daily', 'weekly'].map((v) => ({label: t(`settings.schedules.${v}`), value: v}))}
                value={form.retrainSchedule}
                onChange={set('retrainSchedule')}
                error={errors.retrainSchedule}
                name="retrainSchedule"
              />
              {field('retentionDays', {step: 1})}
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.Section>
          <BlockStack><Text as="p" variant="bodySm" tone="subdued">{t('settings.footer')}</Text></BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
