// Identification screening: the interview facts, the indicator questions of the list chosen by
// "child" × "exploitation" grouped by dimension, the live result with its explanation
// (POST /screening/evaluate), and saving it as a screening record. The decision stays with the
// special police (the victim case's identify / reject transitions). Opened from a victim case, the
// list is chosen from the case's forms of exploitation and the person's age (src/screening.ts),
// with the reason shown; saving goes back to the case, which confirms it.
import { useEffect, useState } from 'preact/hooks';
import { api, records } from '../api';
import { Alert } from '../components/Alert';
import { ErrorAlert, Loading, Page } from '../components/Page';
import { RecordForm } from '../components/RecordForm';
import { todayIso } from '../format';
import type { Translate } from '../i18n';
import { useI18n } from '../i18n/context';
import { compact, label, type Label, type Meta } from '../meta';
import { currentQuery, navigate } from '../router';
import { afterScreeningHref, choiceMessages, defaultList, type ListChoice } from '../screening';
import { useLoad, useSession } from '../session';
import { FormErrors } from '../components/RecordForm';

interface RulesetList {
  ruleset: string;
  default: boolean;
  label: Label;
}
interface Question {
  dimensions: Array<{ code: string; number: number; label: Label; indicators: Array<{ code: string; grade: string; label: Label }> }>;
  ruleset: string;
  list: string;
  label: Label;
}
interface Evaluation {
  overall_result: string;
  positive_dimensions: string[];
  dimensions: Array<{ code: string; positive: boolean; could_be_positive: boolean }>;
  explanation: string;
}

type Answer = 'yes' | 'no' | 'unknown';

/** An indicator's grade (S, M, W in the rule book) in words. */
function gradeText(grade: string, t: Translate): string {
  return grade === 'S' ? t('screening.grade_S') : grade === 'M' ? t('screening.grade_M') : grade === 'W' ? t('screening.grade_W') : grade;
}

interface Prefill {
  values: Record<string, unknown>;
  /** The list chosen from the case (or person), when there was something to choose it from. */
  choice?: ListChoice;
}

async function prefill(meta: Meta): Promise<Prefill> {
  const q = currentQuery();
  const today = todayIso();
  const v: Record<string, unknown> = { screened_on: today, is_child: false, exploitation_focus: 'labour' };
  for (const k of ['person', 'victim_case', 'signal']) if (q[k] && /^\d+$/.test(q[k]!)) v[k] = Number(q[k]);
  let caseData: Record<string, unknown> | undefined;
  let birth: unknown;
  let isChild: unknown;
  if (q.from) {
    const [type, id] = q.from.split(':');
    if (type && id && meta.type(type)) {
      v[type] = Number(id);
      try {
        const src = await records.get(type, Number(id));
        for (const k of ['person', 'signal', 'victim_case']) if (typeof src.data[k] === 'number' && v[k] === undefined) v[k] = src.data[k];
        if (typeof src.data.is_child === 'boolean') isChild = src.data.is_child;
        if (type === 'victim_case') caseData = src.data;
        birth = src.data.person_birth ?? src.data.birth;
      } catch {
        // out of reach
      }
    }
  }
  // ?victim_case=<id> (or a case reached through ?from=): the case chooses the list.
  if (!caseData && typeof v.victim_case === 'number') {
    try {
      caseData = (await records.get('victim_case', v.victim_case)).data;
      if (typeof v.person !== 'number' && typeof caseData.person === 'number') v.person = caseData.person;
    } catch {
      // out of reach
    }
  }
  if (caseData) {
    birth = caseData.person_birth ?? birth;
    if (typeof caseData.is_child === 'boolean') isChild = caseData.is_child;
  }
  if (!caseData && birth === undefined && isChild === undefined) return { values: v };
  const choice = defaultList({ forms: caseData?.forms_of_exploitation, birth, caseIsChild: isChild }, today);
  v.is_child = choice.isChild;
  v.exploitation_focus = choice.focus;
  return { values: v, choice };
}

export function ScreeningPage() {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const td = meta.type('screening');
  const [values, setValues] = useState<Record<string, unknown> | undefined>(undefined);
  const [choice, setChoice] = useState<ListChoice | undefined>(undefined);
  const [answers, setAnswers] = useState<Record<string, Answer>>({});
  const [result, setResult] = useState<Evaluation | undefined>(undefined);
  const [evaluating, setEvaluating] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [saving, setSaving] = useState(false);
  const sets = useLoad(() => api.request<{ items: RulesetList[] }>('GET', '/screening/rulesets'), []);
  const ruleset = sets.data?.items.find((s) => s.default)?.ruleset ?? sets.data?.items[0]?.ruleset;
  const isChild = values?.is_child === true;
  const focus = typeof values?.exploitation_focus === 'string' ? values.exploitation_focus : 'labour';
  // The questions only once the case has chosen the list: shown earlier, the labour list could be
  // half answered when the case's sexual-exploitation list replaced it (a slow server showed it).
  const prefilled = values !== undefined;
  const questions = useLoad(
    () =>
      ruleset && prefilled
        ? api.request<Question>('GET', `/screening/rulesets/${encodeURIComponent(ruleset)}?child=${isChild}&exploitation=${focus}`)
        : Promise.resolve(undefined),
    [ruleset, isChild, focus, prefilled],
  );

  useEffect(() => {
    void prefill(meta).then((p) => {
      setValues(p.values);
      setChoice(p.choice);
    });
  }, []);

  // The live result, a moment after the last answer.
  useEffect(() => {
    if (!ruleset || !values) return;
    const timer = window.setTimeout(async () => {
      setEvaluating(true);
      try {
        setResult(await api.request<Evaluation>('POST', '/screening/evaluate', { ruleset, is_child: isChild, exploitation_focus: focus, answers, lang }));
      } catch {
        setResult(undefined);
      } finally {
        setEvaluating(false);
      }
    }, 200);
    return () => window.clearTimeout(timer);
  }, [JSON.stringify(answers), ruleset, isChild, focus, lang]);

  if (!td) return <Page title={t('screening.title')}>{null}</Page>;
  const codes = new Set((questions.data?.dimensions ?? []).flatMap((d) => d.indicators.map((i) => i.code)));
  const save = async () => {
    if (!values) return;
    setSaving(true);
    setError(undefined);
    try {
      const kept = Object.fromEntries(Object.entries(answers).filter(([k]) => codes.has(k)));
      const r = await records.create('screening', { ...compact(values), answers: JSON.stringify(kept) });
      // Back to the case it was made for (which confirms it), not to the screening record.
      navigate(afterScreeningHref(values, currentQuery().from, r.id));
    } catch (e) {
      setError(e);
      setSaving(false);
    }
  };
  const formFields = td.fields.filter((f) => !['answers', 'dimension_results', 'ruleset', 'positive_dimensions', 'overall_result', 'explanation', 'computed_at'].includes(f.name)).map((f) => f.name);
  const resultList = td.fields.find((f) => f.name === 'overall_result')?.values;
  const dimList = td.fields.find((f) => f.name === 'positive_dimensions')?.values;

  return (
    <Page title={t('screening.title')}>
      {!meta.may('screening', 'create') ? (
        <Alert kind="error">
          <p data-testid="refusal">{t('record.may_not_create', { type: label(td.label, lang) })}</p>
        </Alert>
      ) : !values ? (
        <Loading />
      ) : (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <p class="muted">{t('screening.intro')}</p>
          <FormErrors error={error} td={td} />
          <section class="panel">
            <RecordForm type={td} meta={meta} values={values} onChange={setValues} error={error} only={formFields.filter((n) => {
              const f = td.fields.find((x) => x.name === n)!;
              return !f.visible_if || (f.visible_if.field === 'is_child' ? isChild : true);
            })} idPrefix="sc" />
            {choice && (
              <div class="list-reason" data-testid="screening-list-reason" data-focus={choice.focus} data-child={String(choice.isChild)}>
                <h2>{t('screening.why_title')}</h2>
                <ul>
                  {choiceMessages(choice, (c) => meta.valueLabel('exploitation_form', c, lang)).map((m) => (
                    <li key={m.key}>{t(m.key, m.params)}</li>
                  ))}
                </ul>
                {(values.exploitation_focus !== choice.focus || values.is_child !== choice.isChild) && (
                  <p class="small muted" data-testid="screening-list-changed">
                    {t('screening.why_changed')}
                  </p>
                )}
              </div>
            )}
          </section>
          <div class="two-col">
            <section aria-labelledby="q-h" data-list={questions.data?.list}>
              <h2 id="q-h">{questions.data ? label(questions.data.label, lang) : t('screening.questions')}</h2>
              {(questions.loading || !prefilled) && <Loading />}
              <ErrorAlert error={questions.error ?? sets.error} />
              {questions.data?.dimensions.map((d) => (
                <fieldset key={d.code} class="panel dimension" data-dimension={d.code}>
                  <legend>
                    <strong>
                      {d.number}. {label(d.label, lang)}
                    </strong>
                  </legend>
                  <div class="table-wrap">
                  <table class="table compact screening-table">
                    <thead>
                      <tr>
                        <th scope="col">{t('screening.indicator')}</th>
                        <th scope="col">{t('screening.grade')}</th>
                        <th scope="col">{t('form.yes')}</th>
                        <th scope="col">{t('form.no')}</th>
                        <th scope="col">{t('screening.unknown')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {d.indicators.map((i) => (
                        <tr key={i.code}>
                          <th scope="row" id={`ind-${i.code}`} class="indicator">
                            {label(i.label, lang)}
                          </th>
                          <td data-grade={i.grade}>{gradeText(i.grade, t)}</td>
                          {(['yes', 'no', 'unknown'] as const).map((a) => (
                            <td key={a} class="answer-cell">
                              <label class="answer">
                                <input
                                  type="radio"
                                  name={`ans-${i.code}`}
                                  value={a}
                                  aria-labelledby={`ind-${i.code}`}
                                  aria-label={a === 'yes' ? t('form.yes') : a === 'no' ? t('form.no') : t('screening.unknown')}
                                  checked={answers[i.code] === a}
                                  onChange={() => setAnswers({ ...answers, [i.code]: a })}
                                />
                                {/* The column's heading says it on a wide screen; a phone stacks the cells. */}
                                <span class="answer-text" aria-hidden="true">
                                  {a === 'yes' ? t('form.yes') : a === 'no' ? t('form.no') : t('screening.unknown')}
                                </span>
                              </label>
                            </td>
                          ))}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  </div>
                </fieldset>
              ))}
            </section>
            <aside class={`panel result-box ${result?.overall_result === 'indicated' ? 'result-indicated' : ''}`} aria-live="polite" aria-labelledby="res-h">
              <h2 id="res-h">{t('screening.result')}</h2>
              {evaluating && !result && <Loading />}
              {result && (
                <>
                  <p class="welcome" data-testid="screening-result" data-result={result.overall_result}>
                    {meta.valueLabel(resultList, result.overall_result, lang)}
                  </p>
                  {result.positive_dimensions.length > 0 && (
                    <p>
                      {t('screening.positive')}: {result.positive_dimensions.map((c) => meta.valueLabel(dimList, c, lang)).join(', ')}
                    </p>
                  )}
                  <div class="explanation">
                    {result.explanation.split('\n').map((line, k) => (
                      <p key={k} class="small">
                        {line}
                      </p>
                    ))}
                  </div>
                </>
              )}
              <p class="small muted">{t('screening.not_decision')}</p>
              <button type="submit" class="button" disabled={saving}>
                {saving ? t('form.saving') : t('screening.save')}
              </button>
            </aside>
          </div>
        </form>
      )}
    </Page>
  );
}
