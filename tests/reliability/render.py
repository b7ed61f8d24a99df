"""Render docs/reliability.md from the figures the security and reliability tests wrote (`make reliability`).

python tests/reliability/render.py var/reliability.json docs/reliability.md
"""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path
from typing import Any


def _n(data: dict[str, Any], section: str, key: str) -> str:
    value = data.get(section, {}).get(key)
    return "—" if value is None else f"{value:,}".replace(",", "\u202f")


def render(data: dict[str, Any], database: str) -> str:
    today = datetime.date.today().strftime("%d.%m.%Y")
    return f"""# Надёжность и безопасность: цифры проверок

Документ создаётся командой `make reliability` ({today}, база данных: {database}): она запускает
тесты `tests/security/` и `tests/reliability/` с переменной `NOVATOR_FIGURES`, тесты записывают свои
цифры в `var/reliability.json`, а `tests/reliability/render.py` переносит их сюда. Не правьте цифры
руками — запустите команду снова.

## Права доступа (матрица)

| что | сколько |
|---|---|
| адресов (URL) в матрице | {_n(data, "permission_matrix", "urls")} |
| проверок «адрес × роль» | {_n(data, "permission_matrix", "checks")} |

Роли: аноним, педагог, координатор организации A и организации B, эксперт назначенный / не назначенный /
с конфликтом интересов, методист муниципалитета X и Y, наблюдатель, администратор. Матрица —
`tests/security/permission_matrix.py`; новый адрес без строки в матрице роняет тест.

## API по схеме OpenAPI (schemathesis)

| что | сколько |
|---|---|
| пар «роль × операция API» | {_n(data, "api", "role_operation_pairs")} |
| запросов, сгенерированных schemathesis | {_n(data, "api", "requests")} |

Проверяется: нет ошибок сервера (5xx), тип содержимого и тело ответа соответствуют схеме.

## XSS: скрипт в тексте показывается как текст

| что | сколько |
|---|---|
| форм найдено и заполнено | {_n(data, "xss", "forms")} |
| полезных нагрузок отправлено | {_n(data, "xss", "payloads")} |
| страниц проверено после сохранения | {_n(data, "xss", "pages_checked")} |

## Загружаемые файлы

| что | сколько |
|---|---|
| опасных файлов отклонено (макросы, старые форматы Office, вирус EICAR) | {_n(data, "uploads", "refused")} |

## Сбои: процесс убит посреди записи (SIGKILL)

| что | сколько |
|---|---|
| процессов убито посреди транзакции | {_n(data, "faults", "sigkill")} |
| строк в реестре (импорт убит и перезапущен, без дублей) | {_n(data, "faults", "import_rows")} |

Сценарии: подача заявки через настоящий HTTP-сервер, импорт реестра фоновым обработчиком (перезапуск
доводит импорт до конца без дублей), присвоение статуса. После каждого убийства база показывает «всё
или ничего».

## Сервер убит посреди импорта (настоящий `make run`)

| что | сколько |
|---|---|
| строк в импорте реестра | {_n(data, "jobs", "import_rows")} |
| строк было записано к моменту `kill -9` группы процессов | {_n(data, "jobs", "rows_at_kill")} |
| секунд от нового запуска до 100 % (с запуском сервера) | {_n(data, "jobs", "resumed_seconds")} |

`tests/reliability/test_worker_crash.py` запускает `bin/serve` (gunicorn и обработчик задач, как
`make run`) на чистой базе, подтверждает импорт через gunicorn, убивает всю группу процессов после
первой записанной пачки (тест пишет пачками по 250 строк, `NOVATOR_IMPORT_BATCH_SIZE`; по умолчанию
1 000) и запускает снова. Обработчик видит, что процесс, выполнявший задачу, исчез, и
ставит её в очередь снова: импорт продолжается и доходит до 100 %, каждая организация — ровно один раз.
Тест задерживает каждую записанную пачку на 2 с (`tests/reliability/slow_batches/`), чтобы `kill -9`
пришёлся на середину файла; время выше включает эти задержки и зависит от нагрузки машины.
Задача без сигнала дольше `NOVATOR_JOB_LEASE_SECONDS` (другая машина) продолжается так же; после трёх
таких остановок она помечается ошибкой с причиной, и её можно запустить снова.

## Одновременная работа

| что | сколько |
|---|---|
| одновременных клиентов (потоков) всего | {_n(data, "concurrency", "clients")} |
| регистраций на мероприятие одновременно | {_n(data, "concurrency", "registrations")} |

20 экспертов сохраняют листы оценки одновременно; 10 вкладок одного эксперта — проходит одна, остальные
получают понятное сообщение об устаревшей версии; форма организации защищена оптимистической
блокировкой (`novator/core/concurrency.py`). Эти тесты требуют PostgreSQL или SQLite в файле
(`DATABASE_URL`); на SQLite в памяти они пропускаются, и здесь стоит «—».

## Резервная копия после сбоев

| что | сколько |
|---|---|
| таблиц сверено после восстановления | {_n(data, "restore", "tables")} |
| строк сверено (число и контрольная сумма) | {_n(data, "restore", "rows")} |
| файлов сверено (размер и SHA-256) | {_n(data, "restore", "files")} |
"""


def main() -> None:
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    data = json.loads(source.read_text()) if source.exists() else {}
    database = sys.argv[3] if len(sys.argv) > 3 else "SQLite"
    target.write_text(render(data, database))
    print(f"{target}: written from {source}")


if __name__ == "__main__":
    main()
